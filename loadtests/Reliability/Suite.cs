using System.Globalization;
using System.Text;
using EdgeProxy.Bench;

namespace EdgeProxy.Reliability;

/// <summary>One row of the result table.</summary>
public sealed record Row(string Scenario, string Figure);

/// <summary>Options, publishing, the scenario list and the table.</summary>
public static class Suite
{
    private static readonly (string Name, Func<Harness, Task<Row>> Run)[] Scenarios =
    [
        ("kill", KillDestination.RunAsync),
        ("edits", ConfigEdits.RunAsync),
        ("sigterm", Sigterm.RunAsync),
        ("slowloris", Slowloris.RunAsync),
        ("attacks", Attacks.RunAsync),
        ("ranges", RangeSource.RunAsync),
        ("soak", Soak.RunAsync),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var only = Option(args, "--only");
        var soakSeconds = int.Parse(Option(args, "--soak-seconds") ?? "600", CultureInfo.InvariantCulture);
        if (only is not null && Scenarios.All(s => s.Name != only))
        {
            Console.Error.WriteLine($"unknown scenario '{only}'; one of: {string.Join(", ", Scenarios.Select(s => s.Name))}");
            return 2;
        }

        using var harness = await Harness.CreateAsync(soakSeconds);
        // Ctrl+C or SIGTERM: take the proxies and backends of the current scenario down too.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => harness.StopAll();
        Console.CancelKeyPress += (_, _) => harness.StopAll();
        var rows = new List<Row>();
        foreach (var (name, run) in Scenarios.Where(s => only is null || s.Name == only))
        {
            Console.WriteLine($"== {name}");
            try
            {
                var row = await run(harness);
                Console.WriteLine($"   {row.Figure}");
                rows.Add(row);
            }
            catch (Exception e)
            {
                Console.WriteLine($"   FAILED: {e.Message}");
                rows.Add(new Row(name, $"scenario failed: {e.Message.ReplaceLineEndings(" ")}"));
            }
            finally
            {
                harness.StopAll();
            }
        }

        var table = new StringBuilder("| scenario | figure |\n| --- | --- |\n");
        foreach (var row in rows)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {row.Scenario} | {row.Figure} |\n");
        }

        var file = Path.Combine(Path.GetTempPath(), "reliability-results.md");
        await File.WriteAllTextAsync(file, table.ToString());
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"(also written to {file}; logs in {harness.Work})");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
