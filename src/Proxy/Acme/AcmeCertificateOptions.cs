namespace EdgeProxy.Acme;

/// <summary>One certificate under <c>EdgeProxy:Acme:Certificates</c>: its names, how they are proven, its key.</summary>
internal sealed class AcmeCertificateOptions
{
    /// <summary>DNS names; the first is the subject's common name. <c>*.example.com</c> needs <c>Dns01</c>.</summary>
    public List<string> Names { get; set; } = [];

    public AcmeChallengeType Challenge { get; set; } = AcmeChallengeType.Http01;

    public AcmeKeyType KeyType { get; set; } = AcmeKeyType.EcdsaP256;
}
