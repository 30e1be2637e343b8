namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// A fresh <see cref="OcspTestPki"/> and a temporary directory for each test: the OCSP tests take the responder down
/// and revoke certificates, so they never share one between tests.
/// </summary>
public abstract class OcspTestPkiFixture : IAsyncLifetime
{
    protected TempDirectory Directory { get; } = new();

    protected OcspTestPki Pki { get; private set; } = null!;

    public async Task InitializeAsync() => Pki = await OcspTestPki.StartAsync();

    public async Task DisposeAsync()
    {
        await Pki.DisposeAsync();
        Directory.Dispose();
    }
}
