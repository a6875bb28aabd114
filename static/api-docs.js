// Starts Swagger UI on the API documentation page. A file, not an inline script: the portal's
// Content-Security-Policy allows scripts from this site only.
const holder = document.getElementById("swagger-ui");
SwaggerUIBundle({
  url: holder.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
});
