import pytest


@pytest.fixture(scope="session")
def genlab_server():
    """One in-process genlab app on a free port for the server tests: (base URL, app)."""
    from gradio_wire import served

    from genlab.app import create_app

    app = create_app("en")
    with served(app) as base:
        yield base, app
