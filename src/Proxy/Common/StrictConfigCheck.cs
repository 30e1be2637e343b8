using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace EdgeProxy.Common;

/// <summary>
/// Strict configuration: every key the file, the environment or the command line sets under a known section must be
/// one the proxy reads, with the shape it reads (a list is a list). .NET's binder and YARP's ignore what they do not
/// know, so a misspelt key would otherwise silently leave its default in place — an open access policy, say.
/// Unknown keys are errors, except under sections marked <see cref="ConfigSchema.WarnOnly"/> (Kestrel's).
/// </summary>
internal sealed class StrictConfigCheck(IEnumerable<ConfigSchemaSection> sections)
{
    private readonly ConfigSchema _root = Build(sections);

    public ConfigSchema Root => _root;

    public (List<string> Errors, List<string> Warnings) Check(IConfigurationRoot configuration, string file)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        foreach (var provider in configuration.Providers)
        {
            // In-memory sources are the proxy's own defaults, not something an operator wrote.
            if (SourceName(provider, file) is { } source)
            {
                Walk(provider, source, null, _root, warnOnly: false, errors, warnings);
            }
        }

        return (errors, warnings);
    }

    private static string? SourceName(IConfigurationProvider provider, string file) => provider switch
    {
        MemoryConfigurationProvider => null,
        EnvironmentVariablesConfigurationProvider => "environment",
        CommandLineConfigurationProvider => "command line",
        _ => file,
    };

    private static void Walk(IConfigurationProvider provider, string source, string? path, ConfigSchema schema, bool warnOnly, List<string> errors, List<string> warnings)
    {
        warnOnly |= schema.WarnOnly;
        var children = provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var value = path is null ? null : provider.TryGet(path, out var v) ? v : null;
        var isList = children.Count > 0 && children.All(c => int.TryParse(c, out _));
        var problem = schema.Kind switch
        {
            ConfigSchema.Shape.Value when children.Count > 0 => $"expects a single value, not {(isList ? "a list" : "an object")}",
            ConfigSchema.Shape.List when !string.IsNullOrEmpty(value) => $"expects a list such as [\"{value}\"], not the single value '{value}'",
            ConfigSchema.Shape.List when children.Count > 0 && !isList => "expects a list, not an object",
            ConfigSchema.Shape.Named or ConfigSchema.Shape.Object when !string.IsNullOrEmpty(value) => $"expects an object, not the single value '{value}'",
            ConfigSchema.Shape.Object when isList && !schema.Open => "expects an object, not a list",
            ConfigSchema.Shape.Value when !IsAllowed(value, schema.AllowedValues) => $"'{value}' is not one of {string.Join(", ", schema.AllowedValues!)}",
            _ => null,
        };
        if (problem is not null)
        {
            // The shape is wrong: always an error, whatever the section (the value would be silently dropped).
            errors.Add($"{source}: {path}: {problem}");
            return;
        }

        if (schema.Kind == ConfigSchema.Shape.Value)
        {
            return;
        }

        foreach (var child in children)
        {
            var childPath = path is null ? child : ConfigurationPath.Combine(path, child);
            if (schema.Element is { } element)
            {
                Walk(provider, source, childPath, element, warnOnly, errors, warnings);
            }
            else if (schema.Keys.TryGetValue(child, out var known))
            {
                Walk(provider, source, childPath, known, warnOnly, errors, warnings);
            }
            else if (!schema.Open)
            {
                var message = $"{source}: {childPath}: unknown key{Suggest(child, schema.Keys.Keys)}";
                if (warnOnly)
                {
                    warnings.Add(message + " (ignored)");
                }
                else
                {
                    errors.Add(message);
                }
            }
        }
    }

    /// <summary>
    /// Whether the binder would take <paramref name="value"/>: one of the names (case-insensitive, surrounding spaces
    /// allowed), for an enum also a number or a comma-separated list of names (flags); empty means "not set".
    /// </summary>
    private static bool IsAllowed(string? value, IReadOnlyList<string>? allowed) =>
        allowed is null || string.IsNullOrWhiteSpace(value) ||
        value.Split(',').All(part => allowed.Contains(part.Trim(), StringComparer.OrdinalIgnoreCase)) ||
        (!allowed.Contains("true") && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _));

    /// <summary>"known: a, b" (ordinal order) or "none defined": the names an unknown one could have been.</summary>
    internal static string KnownNames(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "none defined" : "known: " + string.Join(", ", sorted);
    }

    /// <summary>"; did you mean 'X'?" when exactly one known key is the closest and close enough to be a typo.</summary>
    internal static string Suggest(string key, IEnumerable<string> known)
    {
        var limit = Math.Clamp(key.Length / 3, 1, 3);
        var close = known.Select(k => (Key: k, Distance: EditDistance(key.ToUpperInvariant(), k.ToUpperInvariant())))
            .Where(c => c.Distance <= limit).ToList();
        if (close.Count == 0)
        {
            return "";
        }

        var best = close.Min(c => c.Distance);
        var nearest = close.Where(c => c.Distance == best).ToList();
        return nearest.Count == 1 ? $"; did you mean '{nearest[0].Key}'?" : "";
    }

    /// <summary>Levenshtein distance with adjacent transpositions (a swapped pair of letters is one typo).</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static ConfigSchema Build(IEnumerable<ConfigSchemaSection> sections)
    {
        var root = ConfigSchema.Object().AsOpen();
        foreach (var section in sections)
        {
            // "EdgeProxy:Tls" becomes EdgeProxy { Tls { … } }, merged with what other features declared there.
            var schema = section.Schema;
            foreach (var segment in section.Path.Split(':').Reverse())
            {
                schema = ConfigSchema.Object((segment, schema));
            }

            root = root.Merge(schema);
        }

        return root;
    }
}
