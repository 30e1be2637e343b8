namespace EdgeProxy.Common;

/// <summary>
/// EdgeProxy's command line: its own switches (<c>--config PATH</c>, <c>--check</c>, <c>--probe URL</c>, <c>--help</c>,
/// <c>--version</c>, <c>keys generate --path DIR</c>) taken out, and every other argument a configuration override in the
/// usual .NET form (<c>--EdgeProxy:Admin:Url=http://127.0.0.1:9902</c>, or <c>--EdgeProxy:Admin:Url VALUE</c>). Anything
/// else is refused by name (<see cref="UsageError"/>, exit 2) rather than handed to .NET's command-line provider, which
/// would pair an unknown switch with the next argument and start the proxy anyway.
/// </summary>
internal sealed record EdgeProxyCommandLine(string ConfigPath, bool CheckOnly, string[] ConfigurationArguments, string? Error = null)
{
    public const string ConfigEnvironmentVariable = "EDGEPROXY_CONFIG";
    public const string DefaultConfigFileName = "appsettings.json";

    /// <summary>What the process was asked to do.</summary>
    public EdgeProxyAction Action { get; init; } = CheckOnly ? EdgeProxyAction.Check : EdgeProxyAction.Serve;

    /// <summary>
    /// <c>--probe URL</c>: GET the URL and exit 0 on a 2xx answer, else 1 (a container health check where the image
    /// has no shell or curl). Needs no configuration file.
    /// </summary>
    public string? ProbeUrl { get; init; }

    /// <summary><c>keys generate --path DIR</c>: the directory to write a data-protection key into.</summary>
    public string? KeysPath { get; init; }

    /// <summary>The arguments are not understood (exit 2, nothing read, nothing listened); <see cref="Error"/> is for a missing file (exit 1).</summary>
    public string? UsageError { get; init; }

    public static EdgeProxyCommandLine Parse(string[] args, string? configFromEnvironment)
    {
        string? configPath = null;
        var check = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help" or "-?":
                    return Informational(EdgeProxyAction.Help);
                case "-v" or "--version":
                    return Informational(EdgeProxyAction.Version);
                case "--check" or "-t":
                    check = true;
                    continue;
                case "--probe":
                    return i + 1 < args.Length
                        ? new EdgeProxyCommandLine("", false, []) { Action = EdgeProxyAction.Probe, ProbeUrl = args[i + 1] }
                        : Usage("--probe needs a URL");
                case "keys":
                    return ParseKeys(args.AsSpan(i + 1));
                case "--config":
                    if (i + 1 >= args.Length || args[i + 1].StartsWith('-'))
                    {
                        return Usage("--config needs a file path");
                    }

                    configPath = args[++i];
                    continue;
            }

            if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                configPath = arg["--config=".Length..];
            }
            else if (IsOverrideWithValue(arg))
            {
                rest.Add(arg);
            }
            else if (IsOverrideKey(arg))
            {
                // "--Section:Key value": joined here so that .NET's provider never pairs a key with a switch.
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return Usage($"{arg} needs a value ({arg}=VALUE)");
                }

                rest.Add($"{arg}={args[++i]}");
            }
            else
            {
                return Usage($"unknown argument '{arg}'");
            }
        }

        configPath ??= string.IsNullOrWhiteSpace(configFromEnvironment) ? FindDefaultConfigFile() : configFromEnvironment;
        configPath = Path.GetFullPath(configPath);
        var error = File.Exists(configPath) ? null : $"configuration file {configPath} does not exist";
        return new EdgeProxyCommandLine(configPath, check, [.. rest], error);
    }

    private static EdgeProxyCommandLine Informational(EdgeProxyAction action) => new("", false, []) { Action = action };

    private static EdgeProxyCommandLine Usage(string message) => new("", false, []) { Action = EdgeProxyAction.Help, UsageError = message };

    /// <summary><c>keys generate --path DIR</c> (or <c>--path=DIR</c>); nothing else may follow.</summary>
    private static EdgeProxyCommandLine ParseKeys(ReadOnlySpan<string> args)
    {
        if (args.Length == 0 || args[0] != "generate")
        {
            return Usage(args.Length == 0 ? "keys needs a command: keys generate --path DIR" : $"unknown keys command '{args[0]}' (known: generate)");
        }

        string? path = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--path" && i + 1 < args.Length)
            {
                path = args[++i];
            }
            else if (args[i].StartsWith("--path=", StringComparison.Ordinal))
            {
                path = args[i]["--path=".Length..];
            }
            else
            {
                return Usage(args[i] == "--path" ? "--path needs a directory" : $"unknown argument '{args[i]}' for keys generate");
            }
        }

        return string.IsNullOrWhiteSpace(path)
            ? Usage("keys generate needs --path DIR")
            : new EdgeProxyCommandLine("", false, []) { Action = EdgeProxyAction.KeysGenerate, KeysPath = Path.GetFullPath(path) };
    }

    /// <summary><c>--Key=value</c>, <c>--Section:Key=value</c>: a configuration override with its value.</summary>
    private static bool IsOverrideWithValue(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is var equals and > 2 && IsKey(arg.AsSpan(2, equals - 2));

    /// <summary><c>--Section:Key</c> with its value in the next argument (a key of one level would be a switch we do not know).</summary>
    private static bool IsOverrideKey(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':') && IsKey(arg.AsSpan(2));

    private static bool IsKey(ReadOnlySpan<char> key) =>
        key.Length > 0 && char.IsAsciiLetter(key[0]) && key[^1] != ':' && !key.ContainsAnyExcept(KeyCharacters);

    private static readonly System.Buffers.SearchValues<char> KeyCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_-.");

    /// <summary>
    /// <c>appsettings.json</c> in the current directory, else the nearest one above the executable
    /// (a published proxy keeps it beside the binary; a built one finds the repository's).
    /// </summary>
    private static string FindDefaultConfigFile()
    {
        var inCurrentDirectory = Path.Combine(Directory.GetCurrentDirectory(), DefaultConfigFileName);
        if (File.Exists(inCurrentDirectory))
        {
            return inCurrentDirectory;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DefaultConfigFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return inCurrentDirectory;
    }
}
