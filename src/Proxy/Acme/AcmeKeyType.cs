namespace EdgeProxy.Acme;

internal enum AcmeKeyType
{
    EcdsaP256,
    Rsa2048,
}
