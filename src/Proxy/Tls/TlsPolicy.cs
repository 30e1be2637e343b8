using System.Net.Security;
using System.Text;

namespace EdgeProxy.Tls;

/// <summary>
/// The protocols, suites and groups a profile allows, in IANA and OpenSSL names, and the OpenSSL configuration that
/// enforces them. Never allowed, whatever the configuration says: SSL, TLS 1.0/1.1, and any TLS 1.2 suite without
/// ECDHE key exchange and an AEAD cipher (so no static RSA, DHE, CBC, RC4, 3DES, NULL, EXPORT or anonymous suites).
/// </summary>
internal sealed record TlsPolicy(TlsProfile Profile, IReadOnlyList<string> Protocols, IReadOnlyList<string> Tls12Suites, IReadOnlyList<string> Tls13Suites)
{
    public const string Tls12 = "Tls12";
    public const string Tls13 = "Tls13";

    /// <summary>The groups offered for key exchange, strongest-and-fastest first.</summary>
    public static readonly string[] Groups = ["X25519", "P-256", "P-384"];

    /// <summary>Every TLS 1.2 suite that may ever be enabled (IANA name → OpenSSL name), in Mozilla's order.</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedTls12Suites = new Dictionary<string, string>
    {
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-ECDSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-RSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-ECDSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-RSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-ECDSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-RSA-CHACHA20-POLY1305",
    };

    /// <summary>Every TLS 1.3 suite that may be enabled (OpenSSL uses the IANA names).</summary>
    public static readonly string[] AllowedTls13Suites = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];

    public static TlsPolicy Intermediate { get; } = new(TlsProfile.Intermediate, [Tls12, Tls13], [.. AllowedTls12Suites.Keys], AllowedTls13Suites);

    public static TlsPolicy Modern { get; } = new(TlsProfile.Modern, [Tls13], [], AllowedTls13Suites);

    /// <summary>The policy the options ask for, or the reasons it cannot be (keys named as in the configuration).</summary>
    public static TlsPolicy? Resolve(TlsOptions options, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        const string key = TlsOptions.SectionName;
        if (options.Profile != TlsProfile.Custom)
        {
            if (options.Protocols.Count > 0 || options.CipherSuites.Count > 0)
            {
                problems.Add($"{key}:Protocols and {key}:CipherSuites apply only with {key}:Profile=Custom (the profile is {options.Profile})");
            }

            errors = problems;
            return problems.Count > 0 ? null : options.Profile == TlsProfile.Modern ? Modern : Intermediate;
        }

        var protocols = new List<string>();
        for (var i = 0; i < options.Protocols.Count; i++)
        {
            var protocol = options.Protocols[i];
            if (string.Equals(protocol, Tls12, StringComparison.OrdinalIgnoreCase) || string.Equals(protocol, Tls13, StringComparison.OrdinalIgnoreCase))
            {
                protocols.Add(string.Equals(protocol, Tls12, StringComparison.OrdinalIgnoreCase) ? Tls12 : Tls13);
            }
            else
            {
                problems.Add($"{key}:Protocols:{i}: '{protocol}' is not allowed; only {Tls12} and {Tls13} (SSL, TLS 1.0 and 1.1 are never offered)");
            }
        }

        var tls12 = new List<string>();
        var tls13 = new List<string>();
        for (var i = 0; i < options.CipherSuites.Count; i++)
        {
            var suite = options.CipherSuites[i].Trim();
            if (AllowedTls12Suites.ContainsKey(suite))
            {
                tls12.Add(suite);
            }
            else if (AllowedTls13Suites.Contains(suite))
            {
                tls13.Add(suite);
            }
            else
            {
                problems.Add($"{key}:CipherSuites:{i}: {Explain(suite)}");
            }
        }

        if (protocols.Count == 0)
        {
            problems.Add($"{key}:Protocols: Custom needs at least one of {Tls12}, {Tls13}");
        }

        if (protocols.Contains(Tls12) && tls12.Count == 0)
        {
            problems.Add($"{key}:CipherSuites: {Tls12} is enabled but no TLS 1.2 suite is listed (allowed: {string.Join(", ", AllowedTls12Suites.Keys)})");
        }

        if (protocols.Contains(Tls13) && tls13.Count == 0)
        {
            problems.Add($"{key}:CipherSuites: {Tls13} is enabled but no TLS 1.3 suite is listed (allowed: {string.Join(", ", AllowedTls13Suites)}); .NET would otherwise fail every handshake with a misleading 'RequireEncryption' error");
        }

        if (!protocols.Contains(Tls12) && tls12.Count > 0)
        {
            problems.Add($"{key}:CipherSuites: TLS 1.2 suites are listed but {Tls12} is not enabled");
        }

        errors = problems;
        return problems.Count > 0 ? null : new TlsPolicy(TlsProfile.Custom, [.. protocols.Distinct()], [.. tls12.Distinct()], [.. tls13.Distinct()]);
    }

    private static string Explain(string suite)
    {
        if (!Enum.TryParse<TlsCipherSuite>(suite, ignoreCase: false, out _))
        {
            return $"'{suite}' is not a cipher suite name (use IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)";
        }

        var why = suite switch
        {
            _ when suite.Contains("_anon_", StringComparison.Ordinal) => "anonymous (no authentication)",
            _ when suite.Contains("NULL", StringComparison.Ordinal) => "no encryption",
            _ when suite.Contains("EXPORT", StringComparison.Ordinal) => "export-grade",
            _ when suite.Contains("RC4", StringComparison.Ordinal) => "RC4",
            _ when suite.Contains("3DES", StringComparison.Ordinal) || suite.Contains("_DES_", StringComparison.Ordinal) => "DES/3DES",
            _ when suite.StartsWith("TLS_RSA_", StringComparison.Ordinal) => "static RSA key exchange (no forward secrecy)",
            _ when suite.StartsWith("TLS_DHE_", StringComparison.Ordinal) || suite.StartsWith("TLS_DH_", StringComparison.Ordinal) => "finite-field Diffie-Hellman (slow, weak parameters in the wild)",
            _ when suite.Contains("CBC", StringComparison.Ordinal) => "CBC mode (padding-oracle history; not AEAD)",
            _ => "not in the allowed list",
        };
        return $"'{suite}' is weak and never offered: {why}";
    }

    public string MinProtocol => Protocols.Contains(Tls12) ? "TLSv1.2" : "TLSv1.3";

    public string MaxProtocol => Protocols.Contains(Tls13) ? "TLSv1.3" : "TLSv1.2";

    /// <summary>
    /// An OpenSSL configuration whose <c>system_default</c> section enforces this policy in every TLS context of the
    /// process. Unlike .NET's CipherSuitesPolicy, it leaves the server's session cache on (resumption keeps working).
    /// </summary>
    public string ToOpenSslConfig()
    {
        var text = new StringBuilder()
            .AppendLine("# Written by EdgeProxy at start from EdgeProxy:Tls; do not edit (it is rewritten on every start).")
            .AppendLine("openssl_conf = edgeproxy_init")
            .AppendLine()
            .AppendLine("[edgeproxy_init]")
            .AppendLine("ssl_conf = edgeproxy_ssl")
            .AppendLine()
            .AppendLine("[edgeproxy_ssl]")
            .AppendLine("system_default = edgeproxy_tls")
            .AppendLine()
            .AppendLine("[edgeproxy_tls]")
            .AppendLine($"MinProtocol = {MinProtocol}")
            .AppendLine($"MaxProtocol = {MaxProtocol}")
            // OpenSSL cannot express "no TLS 1.2 suite"; with TLS 1.3 only, the protocol bounds already exclude them.
            .AppendLine($"CipherString = {(Tls12Suites.Count > 0 ? string.Join(':', Tls12Suites.Select(s => AllowedTls12Suites[s])) : "ECDHE+AESGCM")}")
            .AppendLine($"Ciphersuites = {string.Join(':', Tls13Suites)}")
            .AppendLine($"Groups = {string.Join(':', Groups)}");
        return text.ToString();
    }
}
