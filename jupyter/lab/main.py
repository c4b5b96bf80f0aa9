"""
The JupyterLab notebook page of jupyter/lab/ (built by `npm run build` into
build/), served by Debian's jupyter_server 1.23 and jupyterlab_server 2.16
(apt: python3-jupyter-server python3-jupyterlab-server), for the CI stage
.ci/jupyterlab. Modelled on JupyterLab's examples/notebook/main.py (v4.5.10).

    /usr/bin/python3 jupyter/lab/main.py --ServerApp.port=18xxx \\
        --ServerApp.root_dir=DIR --ServerApp.token=TOKEN

then open /backprop-lab/notebooks/PATH.ipynb?token=TOKEN; add
&renderer=plotly for the Plotly MIME renderer (jupyterlab-plotly).
The kernelspecs come from JUPYTER_PATH as for any Jupyter server.
"""

import os

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.handler import ExtensionHandlerJinjaMixin, ExtensionHandlerMixin
from jupyter_server.utils import url_path_join as ujoin
from jupyterlab_server import LabServerApp
from tornado import web

HERE = os.path.dirname(os.path.abspath(__file__))
# jupyter_server finds an extension by importing its module by name: run as a
# script, this module is "__main__" (static files then live under /static/__main__/).
NAME = __name__


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": BackpropLabApp}]


class NotebookPageHandler(ExtensionHandlerJinjaMixin, ExtensionHandlerMixin, JupyterHandler):
    """The page of one notebook: /backprop-lab/notebooks/<path>."""

    @web.authenticated
    def get(self, path):
        page_config = {
            "appName": "JupyterLab notebook (backprop-moons CI)",
            "baseUrl": self.base_url,
            "wsUrl": self.ws_url,
            "token": self.settings["token"],
            "notebookPath": path,
            "plotlyRenderer": "1" if self.get_argument("renderer", "") == "plotly" else "0",
            "fullStaticUrl": ujoin(self.base_url, "static", NAME),
        }
        self.write(self.render_template("page.html", page_config=page_config))


class BackpropLabApp(LabServerApp):
    name = NAME
    extension_url = "/backprop-lab"
    default_url = "/backprop-lab"
    app_url = "/backprop-lab"
    load_other_extensions = False
    app_name = "JupyterLab notebook (backprop-moons CI)"
    static_dir = os.path.join(HERE, "build")
    templates_dir = os.path.join(HERE, "templates")
    app_settings_dir = os.path.join(HERE, "build", "application_settings")
    schemas_dir = os.path.join(HERE, "build", "schemas")
    themes_dir = os.path.join(HERE, "build", "themes")
    user_settings_dir = os.path.join(HERE, "build", "user_settings")
    workspaces_dir = os.path.join(HERE, "build", "workspaces")

    def initialize_handlers(self):
        self.handlers.append((r"/backprop-lab/notebooks/(.*)", NotebookPageHandler))


if __name__ == "__main__":
    BackpropLabApp.launch_instance()
