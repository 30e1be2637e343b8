namespace EdgeProxy.Acme;

/// <summary><c>EdgeProxy:Acme:Dns01</c>: where DNS-01 TXT records are written and where they are checked.</summary>
internal sealed class AcmeDns01Options
{
    public const string CloudflareApi = "https://api.cloudflare.com/client/v4";

    public AcmeDnsProvider Provider { get; set; } = AcmeDnsProvider.Cloudflare;

    /// <summary>A Cloudflare API token with <c>Zone:DNS:Edit</c> on the zones of the names.</summary>
    public string? ApiToken { get; set; }

    /// <summary>A file holding the token (a Kubernetes Secret); relative to the configuration file's folder.</summary>
    public string? ApiTokenFile { get; set; }

    public string ApiUrl { get; set; } = CloudflareApi;

    /// <summary>DNS servers ("IP" or "IP:port") asked for the TXT record before the CA is told; empty: the system's.</summary>
    public List<string> Resolvers { get; set; } = [];

    public TimeSpan PropagationTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
