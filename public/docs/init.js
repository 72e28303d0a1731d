// Starts Swagger UI on /docs over the Worker's own OpenAPI document. Served as a file (not inline)
// so the page runs under a Content-Security-Policy of script-src 'self'.
window.addEventListener("load", () => {
	window.ui = SwaggerUIBundle({
		url: "/openapi.json",
		dom_id: "#swagger-ui",
		deepLinking: true,
		persistAuthorization: false,
	});
});
