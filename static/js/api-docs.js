// The API documentation page: starts the vendored Swagger UI with the settings the server rendered into
// #swagger-settings (a JSON block, not script) and sends the CSRF token with "Try it out" requests.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  const csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  if (csrfToken) {
    config.requestInterceptor = (req) => {
      req.headers["X-CSRFToken"] = csrfToken;
      return req;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
