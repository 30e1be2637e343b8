using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Principal;
using System.Text;

namespace EdgeProxy.AccessControl;

/// <summary>
/// One htpasswd file: the last good version of its users, why the newest content was refused (if it was), and the
/// passwords verified lately. A re-read that fails keeps the last good users. Remembered logins belong to one version of
/// the file: a new version forgets them all, so a changed or removed password stops working at once.
/// </summary>
internal sealed class HtpasswdSource(string path, TimeProvider timeProvider)
{
    /// <summary>How long a verified password is remembered.</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);

    private const int MaxRemembered = 10_000;
    private const int MaxCredentialBytes = 1024;

    // Remembered logins are keyed by HMAC(process key, "user:password"): the password itself is never kept.
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    // bcrypt costs tens of milliseconds of CPU: a flood of wrong passwords may use this many threads, no more.
    private static readonly SemaphoreSlim VerifySlots = new(Math.Max(1, Environment.ProcessorCount), Math.Max(1, Environment.ProcessorCount));

    /// <summary>Longer passwords are wrong without being hashed: htpasswd itself takes at most 255.</summary>
    internal const int MaxPasswordBytes = 255;

    // Checks waiting for a slot beyond which more are refused as busy (about a second of bcrypt at cost 10 per slot):
    // the queue of a flood of wrong passwords from many addresses stays short.
    private static readonly int MaxQueued = 16 * Math.Max(1, Environment.ProcessorCount);
    private static int s_queued;

    private volatile Version? _current;
    private byte[] _contentHash = [];
    private long _verifications;

    public string Path { get; } = path;

    public int UserCount => _current?.Users.Users.Count ?? 0;

    public DateTimeOffset? LoadedAt => _current?.LoadedAt;

    /// <summary>Why the file's newest content is not in use (null when it is).</summary>
    public string? LastError { get; private set; }

    public DateTimeOffset? LastErrorAt { get; private set; }

    public bool HasUsers => _current is not null;

    /// <summary>Passwords checked against a hash (not answered from memory): right, wrong, and unknown users.</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>What an unknown user's password is checked against in the current version (see <see cref="PasswordHash.HashLike"/>).</summary>
    internal string? UnknownUserHash => _current?.UnknownUserHash;

    /// <summary>Reads the file when its content changed. Returns null when nothing changed, else the outcome's errors (empty: applied).</summary>
    public List<string>? Refresh()
    {
        byte[] content;
        var errors = new List<string>();
        try
        {
            content = File.ReadAllBytes(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Refused($"{Path}: cannot read the htpasswd file ({ex.Message})");
        }

        var hash = SHA256.HashData(content);
        if (hash.AsSpan().SequenceEqual(_contentHash))
        {
            return null;
        }

        _contentHash = hash;
        if (Htpasswd.TryParse(Path, Encoding.UTF8.GetString(content), errors) is not { } users)
        {
            return Refused(errors);
        }

        if (users.Users.Count == 0)
        {
            return Refused($"{Path}: no users (an empty file would refuse everyone)");
        }

        // Made once per version, like its strongest (costliest) entry.
        var unknownUserHash = PasswordHash.HashLike(users.Users.Values.MaxBy(PasswordHash.Cost)!);
        _current = new Version(users, unknownUserHash, timeProvider.GetUtcNow());
        LastError = null;
        LastErrorAt = null;
        return errors;
    }

    private List<string> Refused(params IEnumerable<string> errors)
    {
        var list = errors.ToList();
        LastError = string.Join("; ", list);
        LastErrorAt = timeProvider.GetUtcNow();
        // Unreadable now: judge the content again next time, even if it turns out to be the same.
        if (list.Count > 0 && list[0].Contains("cannot read", StringComparison.Ordinal))
        {
            _contentHash = [];
        }

        return list;
    }

    /// <summary>
    /// Checks a <c>Basic</c> <c>Authorization</c> header. A password verified in the last <see cref="RememberFor"/> is
    /// answered from memory without allocating; others are verified with bounded concurrency.
    /// </summary>
    public ValueTask<BasicAuthResult> AuthenticateAsync(string? authorization)
    {
        var version = _current;
        if (version is null || authorization is null || authorization.Length < 7 || !authorization.AsSpan(0, 6).Equals("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult(BasicAuthResult.Missing);
        }

        Span<byte> credentials = stackalloc byte[MaxCredentialBytes];
        if (!Convert.TryFromBase64Chars(authorization.AsSpan(6).Trim(), credentials, out var length))
        {
            return ValueTask.FromResult(BasicAuthResult.Wrong);
        }

        credentials = credentials[..length];
        var colon = credentials.IndexOf((byte)':');
        // Longer than htpasswd itself accepts (255): wrong without hashing, as SHA-crypt and apr1 cost grows with the
        // password's length (a 1 KB one costs several times what the file's hash cost promises).
        if (colon <= 0 || length - colon - 1 > MaxPasswordBytes)
        {
            return ValueTask.FromResult(BasicAuthResult.Wrong);
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(ProcessKey, credentials, mac);
        var key = new RememberKey(BitConverter.ToUInt128(mac), BitConverter.ToUInt128(mac[16..]));
        var now = timeProvider.GetUtcNow();
        if (version.Remembered.TryGetValue(key, out var login) && login.Until > now)
        {
            return ValueTask.FromResult(new BasicAuthResult(BasicAuthOutcome.Ok, login.Principal));
        }

        string user;
        try
        {
            user = new UTF8Encoding(false, true).GetString(credentials[..colon]);
        }
        catch (DecoderFallbackException)
        {
            return ValueTask.FromResult(BasicAuthResult.Wrong);
        }

        // An unknown user costs what a wrong password costs: otherwise the answer's time tells which names exist.
        var known = version.Users.Users.TryGetValue(user, out var stored);
        return VerifyAsync(version, key, known ? user : null, stored ?? version.UnknownUserHash, credentials[(colon + 1)..].ToArray());
    }

    /// <summary>Verifies <paramref name="password"/> against <paramref name="stored"/>; <paramref name="user"/> null: not in the file, always wrong.</summary>
    private async ValueTask<BasicAuthResult> VerifyAsync(Version version, RememberKey key, string? user, string stored, byte[] password)
    {
        bool right;
        try
        {
            if (Interlocked.Increment(ref s_queued) > MaxQueued)
            {
                return BasicAuthResult.Busy;
            }

            await VerifySlots.WaitAsync();
            Interlocked.Increment(ref _verifications);
            try
            {
                // Off the socket's event thread (Kestrel runs the pipeline inline there): a bcrypt check takes tens of ms.
                right = await Task.Run(() => PasswordHash.Verify(stored, password));
            }
            finally
            {
                VerifySlots.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref s_queued);
            CryptographicOperations.ZeroMemory(password);
        }

        if (!right || user is null)
        {
            return BasicAuthResult.Wrong;
        }

        var now = timeProvider.GetUtcNow();
        if (version.Remembered.Count >= MaxRemembered)
        {
            foreach (var (k, v) in version.Remembered)
            {
                if (v.Until <= now)
                {
                    version.Remembered.TryRemove(k, out _);
                }
            }
        }

        var principal = new ClaimsPrincipal(new GenericIdentity(user, "Basic"));
        if (version.Remembered.Count < MaxRemembered)
        {
            version.Remembered[key] = new RememberedLogin(principal, now + RememberFor);
        }

        return new BasicAuthResult(BasicAuthOutcome.Ok, principal);
    }

    private sealed record Version(Htpasswd Users, string UnknownUserHash, DateTimeOffset LoadedAt)
    {
        public ConcurrentDictionary<RememberKey, RememberedLogin> Remembered { get; } = new();
    }

    private readonly record struct RememberKey(UInt128 A, UInt128 B);

    private sealed record RememberedLogin(ClaimsPrincipal Principal, DateTimeOffset Until);
}

internal enum BasicAuthOutcome
{
    Missing,
    Wrong,
    Ok,

    /// <summary>Not checked: too many checks already wait (refused as a brute-force attempt, to retry shortly).</summary>
    Busy,
}

internal readonly record struct BasicAuthResult(BasicAuthOutcome Outcome, ClaimsPrincipal? Principal)
{
    public static readonly BasicAuthResult Missing = new(BasicAuthOutcome.Missing, null);
    public static readonly BasicAuthResult Wrong = new(BasicAuthOutcome.Wrong, null);
    public static readonly BasicAuthResult Busy = new(BasicAuthOutcome.Busy, null);
}
