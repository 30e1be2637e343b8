using System.Text.Json.Nodes;

namespace EdgeProxy.Tests.Deploy;

/// <summary><c>deploy/container/Dockerfile</c> as a list of instructions (continuation lines joined, comments dropped).</summary>
public sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<(string Keyword, string Arguments)> instructions) => Instructions = instructions;

    public IReadOnlyList<(string Keyword, string Arguments)> Instructions { get; }

    /// <summary>The instructions of the final stage (after the last <c>FROM</c>).</summary>
    public IEnumerable<(string Keyword, string Arguments)> FinalStage =>
        Instructions.Skip(Instructions.Select((i, index) => (i, index)).Last(x => x.i.Keyword == "FROM").index);

    public static Dockerfile Read(string path)
    {
        var instructions = new List<(string, string)>();
        var pending = "";
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var full = (pending + line).Trim();
            pending = "";
            if (full.Length > 0)
            {
                var space = full.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add((full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
            }
        }

        return new Dockerfile(instructions);
    }

    public IEnumerable<string> All(string keyword) => Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    public string Single(string keyword) => Assert.Single(FinalStage, i => i.Keyword == keyword).Arguments;

    /// <summary>An exec-form argument list (<c>["a", "b"]</c>) as strings.</summary>
    public static string[] ExecForm(string arguments) =>
        [.. JsonNode.Parse(arguments)!.AsArray().Select(a => (string)a!)];
}
