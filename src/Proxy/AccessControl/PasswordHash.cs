using System.Security.Cryptography;
using System.Text;

namespace EdgeProxy.AccessControl;

/// <summary>
/// The htpasswd formats nginx and Apache accept: bcrypt (<c>$2y$</c>, <c>$2a$</c>, <c>$2b$</c>), Apache MD5
/// (<c>$apr1$</c>), SHA-crypt (<c>$5$</c>, <c>$6$</c>) and <c>{SHA}</c>. Every comparison is constant-time.
/// </summary>
internal static class PasswordHash
{
    private const string Itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static readonly byte[] Sha256Order = [0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29];

    private static readonly byte[] Sha512Order =
    [
        0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10,
        53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41,
    ];

    /// <summary>The format's name when <paramref name="hash"/> is one this class verifies, else null.</summary>
    public static string? Format(string hash) => hash switch
    {
        _ when hash.StartsWith("$2y$", StringComparison.Ordinal) || hash.StartsWith("$2a$", StringComparison.Ordinal) || hash.StartsWith("$2b$", StringComparison.Ordinal) => "bcrypt",
        _ when hash.StartsWith("$apr1$", StringComparison.Ordinal) => "apr1",
        _ when hash.StartsWith("$5$", StringComparison.Ordinal) => "sha256-crypt",
        _ when hash.StartsWith("$6$", StringComparison.Ordinal) => "sha512-crypt",
        _ when hash.StartsWith("{SHA}", StringComparison.Ordinal) => "sha1",
        _ => null,
    };

    /// <summary>Whether <paramref name="password"/> (UTF-8 bytes) matches <paramref name="hash"/>. Slow by design for bcrypt.</summary>
    public static bool Verify(string hash, ReadOnlySpan<byte> password)
    {
        switch (Format(hash))
        {
            case "bcrypt":
                try
                {
                    return BCrypt.Net.BCrypt.Verify(Encoding.UTF8.GetString(password), hash);
                }
                catch (BCrypt.Net.SaltParseException)
                {
                    return false;
                }

            case "apr1":
                return FixedEquals(Apr1(password, hash), hash);
            case "sha256-crypt":
                return FixedEquals(ShaCrypt(password, hash, HashAlgorithmName.SHA256), hash);
            case "sha512-crypt":
                return FixedEquals(ShaCrypt(password, hash, HashAlgorithmName.SHA512), hash);
            case "sha1":
                return FixedEquals("{SHA}" + Convert.ToBase64String(SHA1.HashData(password)), hash);
            default:
                return false;
        }
    }

    /// <summary>
    /// What verifying a password against <paramref name="hash"/> costs, comparable across formats: roughly microseconds
    /// of CPU with this class (measured: bcrypt about 77 µs × 2^cost, a SHA-crypt round about 0.8 µs for <c>$5$</c> and
    /// 0.6 µs for <c>$6$</c>, <c>$apr1$</c> about 0.7 ms, <c>{SHA}</c> next to nothing). Only the order matters.
    /// </summary>
    public static double Cost(string hash) => Format(hash) switch
    {
        "bcrypt" => 77 * Math.Pow(2, BcryptCost(hash)),
        "sha256-crypt" => 0.8 * (ShaRounds(hash)?.Rounds ?? 0),
        "sha512-crypt" => 0.6 * (ShaRounds(hash)?.Rounds ?? 0),
        "apr1" => 700,
        _ => 1,
    };

    /// <summary>
    /// A hash of a random password in the format and at the cost of <paramref name="like"/>. A user name that is not in
    /// the file is checked against it, so that it costs what a wrong password costs (and names cannot be told by timing).
    /// SHA-crypt and <c>$apr1$</c> keep the salt and rounds of <paramref name="like"/>; bcrypt gets a new salt at its cost.
    /// </summary>
    public static string HashLike(string like)
    {
        var password = RandomNumberGenerator.GetHexString(32);
        var bytes = Encoding.UTF8.GetBytes(password);
        return Format(like) switch
        {
            "bcrypt" => BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(Math.Clamp(BcryptCost(like), 4, 31))),
            "apr1" => Apr1(bytes, like),
            "sha256-crypt" => ShaCrypt(bytes, like, HashAlgorithmName.SHA256),
            "sha512-crypt" => ShaCrypt(bytes, like, HashAlgorithmName.SHA512),
            _ => null,
        } ?? "{SHA}" + Convert.ToBase64String(SHA1.HashData(bytes));
    }

    /// <summary>The cost field of a bcrypt hash (<c>$2y$10$…</c>: 10); 0 when it has none.</summary>
    private static int BcryptCost(string hash) =>
        hash.Length > 6 && int.TryParse(hash.AsSpan(4, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static bool FixedEquals(string? computed, string stored) =>
        computed is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(stored));

    /// <summary>Apache's MD5 crypt (<c>$apr1$salt$hash</c>), as apr_md5_encode.</summary>
    internal static string? Apr1(ReadOnlySpan<byte> password, string stored)
    {
        const string magic = "$apr1$";
        var rest = stored[magic.Length..];
        var end = rest.IndexOf('$');
        var salt = Encoding.ASCII.GetBytes(end < 0 ? rest : rest[..end]);
        if (salt.Length > 8)
        {
            salt = salt[..8];
        }

        var pw = password.ToArray();
        var alternate = MD5.HashData([.. pw, .. salt, .. pw]);
        var context = new List<byte>(64);
        context.AddRange(pw);
        context.AddRange(Encoding.ASCII.GetBytes(magic));
        context.AddRange(salt);
        for (var left = pw.Length; left > 0; left -= 16)
        {
            context.AddRange(alternate.AsSpan(0, Math.Min(left, 16)));
        }

        for (var i = pw.Length; i != 0; i >>= 1)
        {
            context.Add((i & 1) != 0 ? (byte)0 : (pw.Length > 0 ? pw[0] : (byte)0));
        }

        var final = MD5.HashData(context.ToArray());
        for (var i = 0; i < 1000; i++)
        {
            context.Clear();
            context.AddRange((i & 1) != 0 ? pw : final);
            if (i % 3 != 0)
            {
                context.AddRange(salt);
            }

            if (i % 7 != 0)
            {
                context.AddRange(pw);
            }

            context.AddRange((i & 1) != 0 ? final : pw);
            final = MD5.HashData(context.ToArray());
        }

        var output = new StringBuilder(magic).Append(Encoding.ASCII.GetString(salt)).Append('$');
        To64(output, final[0], final[6], final[12], 4);
        To64(output, final[1], final[7], final[13], 4);
        To64(output, final[2], final[8], final[14], 4);
        To64(output, final[3], final[9], final[15], 4);
        To64(output, final[4], final[10], final[5], 4);
        To64(output, 0, 0, final[11], 2);
        return output.ToString();
    }

    /// <summary>SHA-crypt (<c>$5$</c> / <c>$6$</c>, optional <c>rounds=N$</c>), as specified by Ulrich Drepper.</summary>
    internal static string? ShaCrypt(ReadOnlySpan<byte> password, string stored, HashAlgorithmName algorithm)
    {
        var sha512 = algorithm == HashAlgorithmName.SHA512;
        var prefix = sha512 ? "$6$" : "$5$";
        if (ShaRounds(stored) is not (var rounds, var explicitRounds, var rest))
        {
            return null;
        }

        var saltEnd = rest.IndexOf('$');
        var saltText = saltEnd < 0 ? rest : rest[..saltEnd];
        if (saltText.Length > 16)
        {
            saltText = saltText[..16];
        }

        var salt = Encoding.ASCII.GetBytes(saltText);
        var pw = password.ToArray();
        byte[] Hash(byte[] data) => sha512 ? SHA512.HashData(data) : SHA256.HashData(data);
        var size = sha512 ? 64 : 32;

        var b = Hash([.. pw, .. salt, .. pw]);
        var a = new List<byte>(256);
        a.AddRange(pw);
        a.AddRange(salt);
        for (var left = pw.Length; left > 0; left -= size)
        {
            a.AddRange(b.AsSpan(0, Math.Min(left, size)));
        }

        for (var i = pw.Length; i > 0; i >>= 1)
        {
            a.AddRange((i & 1) != 0 ? b : pw);
        }

        var c = Hash(a.ToArray());
        var dp = Hash([.. Enumerable.Repeat(pw, pw.Length).SelectMany(x => x)]);
        var p = Repeat(dp, pw.Length);
        var ds = Hash([.. Enumerable.Repeat(salt, 16 + c[0]).SelectMany(x => x)]);
        var s = Repeat(ds, salt.Length);

        var context = new List<byte>(256);
        for (var i = 0; i < rounds; i++)
        {
            context.Clear();
            context.AddRange((i & 1) != 0 ? p : c);
            if (i % 3 != 0)
            {
                context.AddRange(s);
            }

            if (i % 7 != 0)
            {
                context.AddRange(p);
            }

            context.AddRange((i & 1) != 0 ? c : p);
            c = Hash(context.ToArray());
        }

        var output = new StringBuilder(prefix);
        if (explicitRounds)
        {
            output.Append("rounds=").Append(rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('$');
        }

        output.Append(saltText).Append('$');
        var order = sha512 ? Sha512Order : Sha256Order;
        for (var i = 0; i < order.Length; i += 3)
        {
            To64(output, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
        }

        if (sha512)
        {
            To64(output, 0, 0, c[63], 2);
        }
        else
        {
            To64(output, 0, c[31], c[30], 3);
        }

        return output.ToString();
    }

    /// <summary>
    /// A SHA-crypt hash's rounds (5000 unless it says <c>rounds=N$</c>), whether it says so, and what follows (salt and
    /// hash); null when the rounds are malformed.
    /// </summary>
    private static (int Rounds, bool Explicit, string SaltAndHash)? ShaRounds(string hash)
    {
        var rest = hash[3..]; // after "$5$" or "$6$"
        if (!rest.StartsWith("rounds=", StringComparison.Ordinal))
        {
            return (5000, false, rest);
        }

        var dollar = rest.IndexOf('$');
        if (dollar < 0 || !long.TryParse(rest.AsSpan(7, dollar - 7), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return null;
        }

        return ((int)Math.Clamp(parsed, 1000, 999_999_999), true, rest[(dollar + 1)..]);
    }

    private static byte[] Repeat(byte[] digest, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = digest[i % digest.Length];
        }

        return result;
    }

    private static void To64(StringBuilder output, byte b2, byte b1, byte b0, int count)
    {
        var w = (b2 << 16) | (b1 << 8) | b0;
        for (var i = 0; i < count; i++)
        {
            output.Append(Itoa64[w & 0x3f]);
            w >>= 6;
        }
    }
}
