using System.Formats.Asn1;
using EdgeProxy.Common;

namespace EdgeProxy.Ocsp;

/// <summary>
/// Answers the TLS stack's own OCSP requests (arriving on <see cref="OcspProxyListener"/> through
/// <see cref="OcspResponderProxy"/>): from the held response while it is valid, else by asking the responder and
/// keeping a usable answer. A request about no served certificate is refused: this is not an open proxy.
/// </summary>
internal sealed partial class OcspProxyEndpoint(OcspStapler stapler, OcspResponderClient responder, TimeProvider timeProvider, ILogger<OcspProxyEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = HttpMethods.IsPost(context.Request.Method)
            ? await ReadBodyAsync(context.Request, context.RequestAborted)
            : DecodeGetPath(context.Request.Path.Value ?? "", stapler.Stapleable.Select(c => c.ResponderUrl!));
        var certificate = await FindAsync(request);
        if (certificate is null)
        {
            LogUnknownRequest(context.Request.Method, $"{context.Request.Host}{context.Request.Path}", request.Length);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var now = timeProvider.GetUtcNow();
        var held = certificate.State;
        var response = held.HoldsValidResponse(now) ? held.Response : null;
        if (response is null)
        {
            var (fetched, _) = await responder.FetchAsync(certificate, request, context.RequestAborted);
            response = fetched is not null && stapler.Accept(certificate, fetched) is not null ? fetched : null;
            if (response is not null)
            {
                await stapler.KeepAsync(certificate);
            }
        }

        if (response is null)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        certificate.State = certificate.State with { HandedToTlsAt = now };
        context.Response.ContentType = "application/ocsp-response";
        await context.Response.Body.WriteAsync(response, context.RequestAborted);
    }

    /// <summary>
    /// The DER request of a GET: base64 after the responder's path (RFC 6960, appendix A.1). Base64 has '/' in its
    /// alphabet, so everything after the longest matching responder path is the request. Empty when it is not base64.
    /// </summary>
    internal static byte[] DecodeGetPath(string path, IEnumerable<string> responderUrls)
    {
        var responderPath = responderUrls.Select(url => new Uri(url).AbsolutePath.TrimEnd('/'))
            .Where(p => path.StartsWith(p + "/", StringComparison.Ordinal)).MaxBy(p => p.Length) ?? "";
        var encoded = Uri.UnescapeDataString(path[Math.Min(responderPath.Length + 1, path.Length)..]);
        var buffer = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, buffer, out var written) ? buffer[..written] : [];
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return body.ToArray();
    }

    private async Task<OcspCertificate?> FindAsync(byte[] request)
    {
        OcspCodec.CertificateId id;
        try
        {
            id = OcspCodec.DecodeRequest(request);
        }
        catch (AsnContentException)
        {
            return null; // not an OCSP request
        }

        return await stapler.FindServedAsync(id);
    }

    [LoggerMessage(EventId = EventIds.OcspUnknownProxyRequest, EventName = "OcspUnknownProxyRequest", Level = LogLevel.Warning, Message = "OCSP proxy: a {Method} request for {Target} ({Length} bytes) is about no served certificate; refused.")]
    private partial void LogUnknownRequest(string method, string target, int length);
}
