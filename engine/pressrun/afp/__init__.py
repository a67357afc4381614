"""AFP (MO:DCA) print streams: medium maps from a production profile, and
tools for people debugging print streams (``pressrun afp dump``)."""
