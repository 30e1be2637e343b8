namespace EdgeProxy.Bench;

/// <summary>Command-line settings; every load loop is bounded by these times.</summary>
public sealed record BenchSettings(int Rounds, int Seconds, int WarmUpSeconds, string RepositoryRoot, IReadOnlyDictionary<string, string> EdgeProxyEnvironment, int HandshakeRounds, bool OnlyHandshakes)
{
    public static BenchSettings Parse(string[] args)
    {
        int Value(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }

        // --env NAME=VALUE (repeatable): extra environment for EdgeProxy, to measure one lever at a time.
        var environment = new Dictionary<string, string>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--env" && args[i + 1].Split('=', 2) is [var key, var value])
            {
                environment[key] = value;
            }
        }

        // --only handshakes: the connection loads alone (HandshakeBench), without the request loads and the access-log pairs.
        var onlyHandshakes = Array.IndexOf(args, "--only") is var only && only >= 0 && only + 1 < args.Length && args[only + 1] == "handshakes";
        return new BenchSettings(Value("--rounds", 3), Value("--seconds", 10), Value("--warmup", 60), FindRepositoryRoot(), environment, Value("--handshake-rounds", 3), onlyHandshakes);
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeProxy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run the bench from inside the repository");
    }
}
