namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// The page's script and style, served as files by the admin listener so that its Content-Security-Policy allows only
/// <c>'self'</c>: no inline script or style runs, whatever ends up in the markup.
/// </summary>
internal static class StatusPageAssets
{
    public const string ScriptPath = "/status.js";
    public const string StylePath = "/status.css";

    public static Task WriteScriptAsync(HttpContext context) => WriteAsync(context, "text/javascript; charset=utf-8", StatusPageScript.Js);

    public static Task WriteStyleAsync(HttpContext context) => WriteAsync(context, "text/css; charset=utf-8", StatusPageStyle.Css);

    private static Task WriteAsync(HttpContext context, string contentType, string content)
    {
        context.Response.ContentType = contentType;
        // The page and its script change together with the proxy's version: never a stale script against a new page.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(content, context.RequestAborted);
    }
}
