namespace EdgeProxy.Acme;

internal enum AcmeDnsProvider
{
    Cloudflare,
}
