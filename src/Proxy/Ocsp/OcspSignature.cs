using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Ocsp;

/// <summary>
/// Who may sign an OCSP answer about a certificate (RFC 6960 §4.2.2.2): its issuer, or a responder certificate the issuer
/// signed for that purpose (extended key usage id-kp-OCSPSigning), valid now. Anything else could be forged by whoever
/// sits between the proxy and the responder, which is plain HTTP.
/// </summary>
internal static class OcspSignature
{
    private const string OcspSigningOid = "1.3.6.1.5.5.7.3.9";

    /// <summary>Why the signature over <paramref name="signed"/> does not hold, or null when the issuer or its delegate made it.</summary>
    public static string? Check(ReadOnlySpan<byte> signed, string algorithm, ReadOnlySpan<byte> signature, IEnumerable<byte[]> embedded, X509Certificate2 issuer, DateTimeOffset now)
    {
        if (Verify(issuer, algorithm, signed, signature))
        {
            return null;
        }

        foreach (var der in embedded)
        {
            using var responder = X509CertificateLoader.LoadCertificate(der);
            if (IsDelegatedBy(responder, issuer, now) && Verify(responder, algorithm, signed, signature))
            {
                return null;
            }
        }

        return "the response is signed neither by the certificate's issuer nor by a responder certificate the issuer delegated OCSP signing to";
    }

    /// <summary>Issued by <paramref name="issuer"/> (its signature checked), for OCSP signing, and valid at <paramref name="now"/>.</summary>
    private static bool IsDelegatedBy(X509Certificate2 responder, X509Certificate2 issuer, DateTimeOffset now)
    {
        if (!responder.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData) ||
            now < responder.NotBefore.ToUniversalTime() || now > responder.NotAfter.ToUniversalTime() ||
            !responder.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any(e => e.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == OcspSigningOid)))
        {
            return false;
        }

        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
        var certificate = new AsnReader(responder.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadEncodedValue();
        var algorithm = certificate.ReadSequence().ReadObjectIdentifier();
        var signature = certificate.ReadBitString(out _);
        return Verify(issuer, algorithm, tbs.Span, signature);
    }

    private static bool Verify(X509Certificate2 signer, string algorithm, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var (hash, isEcdsa) = algorithm switch
        {
            "1.2.840.113549.1.1.5" => (HashAlgorithmName.SHA1, false),
            "1.2.840.113549.1.1.11" => (HashAlgorithmName.SHA256, false),
            "1.2.840.113549.1.1.12" => (HashAlgorithmName.SHA384, false),
            "1.2.840.113549.1.1.13" => (HashAlgorithmName.SHA512, false),
            "1.2.840.10045.4.1" => (HashAlgorithmName.SHA1, true),
            "1.2.840.10045.4.3.2" => (HashAlgorithmName.SHA256, true),
            "1.2.840.10045.4.3.3" => (HashAlgorithmName.SHA384, true),
            "1.2.840.10045.4.3.4" => (HashAlgorithmName.SHA512, true),
            _ => (default(HashAlgorithmName), false), // RSASSA-PSS and others: not seen from public responders
        };
        if (hash.Name is null)
        {
            return false;
        }

        try
        {
            if (isEcdsa)
            {
                using var ecdsa = signer.GetECDsaPublicKey();
                return ecdsa is not null && ecdsa.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
            }

            using var rsa = signer.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
