using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Ocsp;

/// <summary>One served certificate as far as OCSP goes, with its current state (swapped whole, read without locks).</summary>
internal sealed class OcspCertificate
{
    private volatile OcspState _state;

    public OcspCertificate(string key, X509Certificate2 leaf, X509Certificate2? issuer, OcspState initial)
    {
        Key = key;
        Leaf = leaf;
        Issuer = issuer;
        ResponderUrl = leaf.Extensions.OfType<X509AuthorityInformationAccessExtension>().SelectMany(e => e.EnumerateOcspUris()).FirstOrDefault();
        MustStaple = leaf.Extensions.Any(e => e.Oid?.Value == "1.3.6.1.5.5.7.1.24");
        Id = issuer is null ? null : OcspCodec.CertificateId.For(leaf, issuer);
        _state = initial;
    }

    /// <summary>Where the configuration names it, e.g. <c>Kestrel:Endpoints:Https:Certificate</c>.</summary>
    public string Key { get; }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2? Issuer { get; }

    public string? ResponderUrl { get; }

    /// <summary>Carries the TLS Feature extension with status_request: browsers hard-fail it without a staple.</summary>
    public bool MustStaple { get; }

    public OcspCodec.CertificateId? Id { get; }

    /// <summary>A request can be built and sent: the issuer is known, a responder is named, stapling is on.</summary>
    public bool CanStaple => Id is not null && ResponderUrl is not null && State.Kind != OcspStateKind.Disabled;

    public OcspState State
    {
        get => _state;
        set => _state = value;
    }
}
