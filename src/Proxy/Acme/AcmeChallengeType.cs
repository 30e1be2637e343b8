namespace EdgeProxy.Acme;

internal enum AcmeChallengeType
{
    Http01,
    TlsAlpn01,
    Dns01,
}
