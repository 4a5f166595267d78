"""View models of the site: pure functions from the model to frozen values a template shows.

`plan.SiteData` is computed once per build (action states, parking lot, the board's
colours, health figures); each module here turns it into the values of one kind of
page. Nothing here reads a file, the clock or the environment.
"""
