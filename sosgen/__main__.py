from sosgen.cli import run

run()
