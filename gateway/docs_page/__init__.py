"""/api/docs: Swagger UI on the gateway's own OpenAPI document (issue 17), served from this
process, nothing loaded from outside (a sales office may have no internet) and no inline script
(the page's CSP allows only this origin). Swagger UI's files are the npm package swagger-ui-dist,
as vendored by the Python package swagger-ui-bundle-v2 (requirements.in); the page and its
start-up script are here. Pages, not API routes: not in the OpenAPI document."""
from pathlib import Path

from gateway.http import error_response
from gateway.routes.console import asset_response
from loupan.errors import NotFound

HERE = Path(__file__).resolve().parent
# the files of Swagger UI the page uses (the rest of the package is not served)
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")
OWN_FILES = ("index.html", "docs.js", "docs.css")
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def swagger_root():
    from swagger_ui_bundle import swagger_ui_path

    return Path(str(swagger_ui_path)).resolve()


def docs_file(request, name):
    """The page (index.html), its script and style, or one of Swagger UI's files; 404 else."""
    if name in OWN_FILES:
        response = asset_response(request, HERE, name)
    elif name in SWAGGER_FILES:
        response = asset_response(request, swagger_root(), name)
    else:
        return error_response(NotFound(f"no docs file {name}", "NO_ROUTE"))
    response.headers["Content-Security-Policy"] = CSP
    return response
