using System.Collections.Frozen;

namespace EdgeProxy.AccessControl;

/// <summary>The users of one htpasswd file, as parsed; immutable.</summary>
internal sealed class Htpasswd
{
    private Htpasswd(FrozenDictionary<string, string> users) => Users = users;

    /// <summary>User name to stored hash.</summary>
    public FrozenDictionary<string, string> Users { get; }

    /// <summary>Parses the file's text; every line in a format we do not verify is an error naming file, line and user.</summary>
    public static Htpasswd? TryParse(string path, string text, List<string> errors)
    {
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        var before = errors.Count;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                errors.Add($"{path}:{i + 1}: not a 'user:hash' line");
                continue;
            }

            var user = line[..colon];
            var hash = line[(colon + 1)..];
            // Apache allows trailing fields (user:hash:comment) only for some tools; a hash never contains ':'.
            var extra = hash.IndexOf(':');
            if (extra >= 0)
            {
                hash = hash[..extra];
            }

            if (PasswordHash.Format(hash) is null)
            {
                errors.Add($"{path}:{i + 1}: user '{user}': unsupported password format (plain text or DES crypt?); use bcrypt (htpasswd -B), $apr1$, $5$, $6$ or {{SHA}}");
                continue;
            }

            if (!users.TryAdd(user, hash))
            {
                errors.Add($"{path}:{i + 1}: user '{user}' appears twice");
            }
        }

        return errors.Count == before ? new Htpasswd(users.ToFrozenDictionary(StringComparer.Ordinal)) : null;
    }
}
