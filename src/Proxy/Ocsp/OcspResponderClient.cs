using System.Net.Http.Headers;

namespace EdgeProxy.Ocsp;

/// <summary>Asks a certificate's OCSP responder (HTTP POST, RFC 6960 appendix A.1); failures come back as text, never thrown.</summary>
internal sealed class OcspResponderClient(IHttpClientFactory httpClientFactory)
{
    public const string HttpClientName = "ocsp";

    /// <summary>
    /// Through the machine's outbound proxy (<c>HTTP_PROXY</c>/<c>HTTPS_PROXY</c>/<c>NO_PROXY</c>, credentials included),
    /// never through <see cref="OcspResponderProxy"/>, which would loop our own fetches back to us.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(IWebProxy machineProxy) => new() { UseProxy = true, Proxy = machineProxy };

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The DER response, or null and why not (HTTP status, network error, timeout).</summary>
    public async Task<(byte[]? Response, string? Error)> FetchAsync(OcspCertificate certificate, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new ByteArrayContent(request);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            using var response = await httpClientFactory.CreateClient(HttpClientName).PostAsync(certificate.ResponderUrl, content, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"HTTP {(int)response.StatusCode} from {certificate.ResponderUrl}");
            }

            return (await response.Content.ReadAsByteArrayAsync(timeout.Token), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"{certificate.ResponderUrl}: {ex.Message}");
        }
    }
}
