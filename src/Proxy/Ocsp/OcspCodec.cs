using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Ocsp;

/// <summary>
/// The few OCSP structures of RFC 6960 the proxy needs, with the platform's ASN.1 reader and writer: a request for one
/// certificate, and the status, validity and signer of the answer. (.NET has no public OCSP API.)
/// </summary>
internal static class OcspCodec
{
    private const string Sha1Oid = "1.3.14.3.2.26";
    private const string BasicResponseOid = "1.3.6.1.5.5.7.48.1.1";

    /// <summary>Identifies a certificate to a responder: hashes of its issuer's name and key, and its serial number.</summary>
    public sealed record CertificateId(byte[] IssuerNameHash, byte[] IssuerKeyHash, byte[] SerialNumber)
    {
        public static CertificateId For(X509Certificate2 certificate, X509Certificate2 issuer) => new(
            SHA1.HashData(issuer.SubjectName.RawData),
            SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData),
            certificate.SerialNumberBytes.ToArray());

        public bool Matches(CertificateId other) =>
            IssuerNameHash.AsSpan().SequenceEqual(other.IssuerNameHash) && IssuerKeyHash.AsSpan().SequenceEqual(other.IssuerKeyHash) &&
            TrimSign(SerialNumber).SequenceEqual(TrimSign(other.SerialNumber));

        private static ReadOnlySpan<byte> TrimSign(byte[] serial) => serial.Length > 1 && serial[0] == 0 ? serial.AsSpan(1) : serial;
    }

    public enum CertificateStatus
    {
        Good,
        Revoked,
        Unknown,
    }

    /// <summary>What a successful response says about one certificate.</summary>
    public sealed record Answer(CertificateStatus Status, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate, DateTimeOffset? RevokedAt);

    public static byte[] EncodeRequest(CertificateId id)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence()) // OCSPRequest
        using (writer.PushSequence()) // TBSRequest
        using (writer.PushSequence()) // requestList
        using (writer.PushSequence()) // Request
        {
            WriteCertificateId(writer, id);
        }

        return writer.Encode();
    }

    /// <summary>The certificate a request asks about (to answer the platform's own OCSP fetches from the cache).</summary>
    public static CertificateId DecodeRequest(ReadOnlyMemory<byte> der)
    {
        var request = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var tbs = request.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            tbs.ReadEncodedValue(); // version
        }

        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
        {
            tbs.ReadEncodedValue(); // requestorName
        }

        return ReadCertificateId(tbs.ReadSequence().ReadSequence().ReadSequence(), out _);
    }

    /// <summary>
    /// Reads a response: null with <paramref name="error"/> when it is not a successful basic response about
    /// <paramref name="id"/>, signed by <paramref name="issuer"/> or its delegated responder (see <see cref="OcspSignature"/>).
    /// <paramref name="invalid"/> says the answer was readable but must not be believed (forged, or about another certificate).
    /// </summary>
    public static Answer? DecodeResponse(ReadOnlyMemory<byte> der, CertificateId id, X509Certificate2 issuer, DateTimeOffset now, out string? error, out bool invalid)
    {
        invalid = false;
        try
        {
            var response = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var status = response.ReadEnumeratedValue<ResponseStatus>();
            if (status != ResponseStatus.Successful)
            {
                error = $"responder answered '{status}'";
                return null;
            }

            var bytes = response.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            if (bytes.ReadObjectIdentifier() != BasicResponseOid)
            {
                error = "not a basic OCSP response";
                return null;
            }

            // BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature BIT STRING, certs [0] EXPLICIT OPTIONAL }
            var basic = new AsnReader(bytes.ReadOctetString(), AsnEncodingRules.DER).ReadSequence();
            var signed = basic.ReadEncodedValue();
            var algorithm = basic.ReadSequence().ReadObjectIdentifier();
            var signature = basic.ReadBitString(out _);
            var embedded = new List<byte[]>();
            if (basic.HasData)
            {
                var certs = basic.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
                while (certs.HasData)
                {
                    embedded.Add(certs.ReadEncodedValue().ToArray());
                }
            }

            if (OcspSignature.Check(signed.Span, algorithm, signature, embedded, issuer, now) is { } forged)
            {
                (error, invalid) = (forged, true);
                return null;
            }

            var data = new AsnReader(signed, AsnEncodingRules.DER).ReadSequence();
            if (data.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                data.ReadEncodedValue(); // version
            }

            data.ReadEncodedValue(); // responderID
            data.ReadGeneralizedTime(); // producedAt
            var responses = data.ReadSequence();
            while (responses.HasData)
            {
                var single = responses.ReadSequence();
                var answerId = ReadCertificateId(single.ReadSequence(), out var hashOid);
                var statusTag = single.PeekTag();
                DateTimeOffset? revokedAt = null;
                CertificateStatus certificateStatus;
                if (statusTag.TagValue == 1)
                {
                    var revoked = single.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
                    revokedAt = revoked.ReadGeneralizedTime();
                    certificateStatus = CertificateStatus.Revoked;
                }
                else
                {
                    single.ReadEncodedValue();
                    certificateStatus = statusTag.TagValue == 0 ? CertificateStatus.Good : CertificateStatus.Unknown;
                }

                var thisUpdate = single.ReadGeneralizedTime();
                DateTimeOffset? nextUpdate = single.HasData && single.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, true))
                    ? single.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadGeneralizedTime()
                    : null;
                if (hashOid == Sha1Oid && answerId.Matches(id))
                {
                    error = null;
                    return new Answer(certificateStatus, thisUpdate, nextUpdate, revokedAt);
                }
            }

            (error, invalid) = ("the response does not answer for this certificate (issuer and serial)", true);
            return null;
        }
        catch (AsnContentException ex)
        {
            error = $"malformed OCSP response: {ex.Message}";
            return null;
        }
    }

    private static void WriteCertificateId(AsnWriter writer, CertificateId id)
    {
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Sha1Oid);
                writer.WriteNull();
            }

            writer.WriteOctetString(id.IssuerNameHash);
            writer.WriteOctetString(id.IssuerKeyHash);
            writer.WriteInteger(id.SerialNumber);
        }
    }

    private static CertificateId ReadCertificateId(AsnReader certId, out string hashOid)
    {
        var algorithm = certId.ReadSequence();
        hashOid = algorithm.ReadObjectIdentifier();
        return new CertificateId(certId.ReadOctetString(), certId.ReadOctetString(), certId.ReadIntegerBytes().ToArray());
    }

    private enum ResponseStatus
    {
        Successful = 0,
        MalformedRequest = 1,
        InternalError = 2,
        TryLater = 3,
        SigRequired = 5,
        Unauthorized = 6,
    }
}
