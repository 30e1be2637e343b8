namespace EdgeProxy.Tests.Repository;

/// <summary>
/// A project that is only a reference of listed projects is built in its default (Debug) configuration by
/// <c>dotnet build EdgeProxy.sln -c Release</c>: every project must be listed.
/// </summary>
public sealed class SolutionTests
{
    [Fact]
    public void The_solution_lists_every_project_in_the_repository()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "EdgeProxy.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("EdgeProxy.sln not found above the test binaries");
        }

        var solution = File.ReadAllText(Path.Combine(root.FullName, "EdgeProxy.sln")).Replace('\\', '/');
        var projects = new[] { "src", "tests", "benchmarks", "loadtests" }
            .Select(folder => Path.Combine(root.FullName, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.csproj", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root.FullName, path).Replace('\\', '/'))
            .ToList();

        Assert.Contains("src/Proxy/EdgeProxy.csproj", projects);
        var missing = projects.Where(project => !solution.Contains($"\"{project}\"", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "not in EdgeProxy.sln: " + string.Join(", ", missing));
    }
}
