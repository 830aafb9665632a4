"""Errors that carry a message meant for a person, not a traceback."""


class TrackTwoError(Exception):
    """A failure the CLI reports in one clear line and a non-zero exit."""


class JavaMissing(TrackTwoError):
    def __init__(self):
        super().__init__(
            "java was not found on PATH: the OWL reasoner (HermiT, via owlready2) needs a Java runtime; "
            "install one, e.g. `apt-get install default-jre-headless`"
        )
