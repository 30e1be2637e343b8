namespace EdgeProxy.Tls;

/// <summary>
/// A configuration source whose only job is to make Kestrel rebind an HTTPS endpoint with freshly loaded
/// certificates: Kestrel reloads an endpoint when its configuration section changes, so a renewal bumps a marker key
/// under <c>Kestrel:Endpoints:&lt;name&gt;</c> and signals a reload.
/// </summary>
internal sealed class CertificateReloadConfigurationSource : IConfigurationSource
{
    private readonly Provider _provider = new();

    public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider;

    public void Reload(string endpointName) => _provider.Bump($"Kestrel:Endpoints:{endpointName}:EdgeProxyCertificateGeneration");

    private sealed class Provider : ConfigurationProvider
    {
        private long _generation;

        public void Bump(string key)
        {
            Set(key, Interlocked.Increment(ref _generation).ToString(System.Globalization.CultureInfo.InvariantCulture));
            OnReload();
        }
    }
}
