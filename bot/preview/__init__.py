"""Previews people can look at before anything is posted: a static HTML page of post mock-ups (and the
campaign calendar), and quote-card PNGs for highlights. Nothing here talks to a platform."""
