using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary><c>--check</c>: an ACME directory that does not answer is a warning (the CA may be down for a while; orders retry).</summary>
internal sealed class AcmeDirectoryCheck(IOptions<AcmeOptions> options, IHttpClientFactory httpClients) : Common.ICheckWarningSource
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<IReadOnlyList<string>> WarningsAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return [];
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var http = httpClients.CreateClient(AcmeClientFactory.HttpClientName);
            using var response = await http.GetAsync(settings.DirectoryUrl, timeout.Token);
            return response.IsSuccessStatusCode ? []
                : [$"{AcmeOptions.SectionName}:DirectoryUrl: '{settings.DirectoryUrl}' answered {(int)response.StatusCode}; certificates are ordered once it answers"];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [$"{AcmeOptions.SectionName}:DirectoryUrl: '{settings.DirectoryUrl}' cannot be reached ({(ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds} s" : ex.Message)}); certificates are ordered once it answers"];
        }
    }
}
