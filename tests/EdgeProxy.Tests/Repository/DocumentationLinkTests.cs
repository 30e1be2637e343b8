using System.Text;
using System.Text.RegularExpressions;

namespace EdgeProxy.Tests.Repository;

/// <summary>
/// The documentation is split over README.md, ARCHITECTURE.md and docs/*.md: every relative link between them (and to
/// other files of the repository) must name a file that exists, and every <c>#anchor</c> a heading of the target page
/// (GitHub's slugs).
/// </summary>
public sealed class DocumentationLinkTests
{
    /// <summary>
    /// Pages linked before they land (written on another branch): a link to one is accepted only while the file does
    /// not exist; once it does, its links and anchors are checked like any other. Remove an entry when its page lands.
    /// </summary>
    private static readonly string[] PendingPages = [];

    [Fact]
    public void Every_relative_link_and_anchor_in_the_documentation_resolves()
    {
        var root = RepositoryRoot();
        var pages = DocumentationLinks.Pages(root);
        Assert.Contains(pages, page => Path.GetFileName(page) == "README.md");
        Assert.True(pages.Count(page => Path.GetDirectoryName(page) == Path.Combine(root, "docs")) >= 10,
            "expected the docs/ pages next to the README");

        var broken = DocumentationLinks.FindBroken(root, pages)
            .Where(link => !PendingPages.Any(pending => link.EndsWith($"{pending} (no such file)", StringComparison.Ordinal)))
            .ToList();

        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void The_check_finds_a_missing_page_a_missing_anchor_and_a_missing_image()
    {
        var root = Directory.CreateTempSubdirectory("edgeproxy-doclinks-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "docs"));
            File.WriteAllText(Path.Combine(root, "README.md"), """
                # Title

                [fine](docs/a.md#strict-configuration) [fine too](#the-two-commands-run-test) [dup](docs/a.md#notes-1)
                [missing page](docs/nope.md) [missing anchor](docs/a.md#no-such-heading)
                ![missing image](docs/missing.png) [external](https://example.com/x.md#y)
                `[in code](docs/ignored.md)`

                ```
                [in a block](docs/ignored-too.md)
                ```

                ## The two commands: `run`, *test*
                """);
            File.WriteAllText(Path.Combine(root, "docs", "a.md"), """
                # A

                [back](../README.md#title) [self](#strict-configuration) [bad self](#nowhere)

                ## Strict configuration

                ## Notes

                ## Notes
                """);

            var broken = DocumentationLinks.FindBroken(root, DocumentationLinks.Pages(root));

            Assert.Equal(
                new[]
                {
                    "README.md: docs/nope.md (no such file)",
                    "README.md: docs/a.md#no-such-heading (no such heading in docs/a.md)",
                    "README.md: docs/missing.png (no such file)",
                    "docs/a.md: #nowhere (no such heading in docs/a.md)",
                },
                broken);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("Client IP: trust only Cloudflare", "client-ip-trust-only-cloudflare")]
    [InlineData("Scale-out: what replicas share and what stays per replica", "scale-out-what-replicas-share-and-what-stays-per-replica")]
    [InlineData("Behaviour an operator of nginx or HAProxy should know", "behaviour-an-operator-of-nginx-or-haproxy-should-know")]
    [InlineData("TLS, OCSP & `HSTS`", "tls-ocsp--hsts")]
    [InlineData("502 \"connection refused\"", "502-connection-refused")]
    [InlineData("[Linked](x.md) heading_with_underscore", "linked-heading_with_underscore")]
    public void Slugs_are_githubs(string heading, string slug) => Assert.Equal(slug, DocumentationLinks.Slug(heading));

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "EdgeProxy.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("EdgeProxy.sln not found above the test binaries");
        }

        return root.FullName;
    }
}

internal static partial class DocumentationLinks
{
    public static IReadOnlyList<string> Pages(string root)
    {
        var pages = new[] { "README.md", "ARCHITECTURE.md" }
            .Select(name => Path.Combine(root, name))
            .Where(File.Exists)
            .ToList();
        var docs = Path.Combine(root, "docs");
        if (Directory.Exists(docs))
        {
            pages.AddRange(Directory.EnumerateFiles(docs, "*.md").Order(StringComparer.Ordinal));
        }

        return pages;
    }

    /// <summary>Each broken link as "page: target (why)", page relative to the root, in page and link order.</summary>
    public static IReadOnlyList<string> FindBroken(string root, IReadOnlyList<string> pages)
    {
        var broken = new List<string>();
        var anchorsByPage = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> Anchors(string page)
        {
            if (!anchorsByPage.TryGetValue(page, out var anchors))
            {
                anchors = HeadingAnchors(File.ReadAllText(page));
                anchorsByPage[page] = anchors;
            }

            return anchors;
        }

        string Relative(string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

        foreach (var page in pages)
        {
            foreach (var target in LinkTargets(File.ReadAllText(page)))
            {
                if (UriScheme().IsMatch(target))
                {
                    continue; // https:, mailto: …: not checked here
                }

                var hash = target.IndexOf('#');
                var pathPart = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
                var anchor = hash < 0 ? null : target[(hash + 1)..];
                var file = pathPart.Length == 0
                    ? page
                    : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, pathPart));
                if (pathPart.Length > 0 && !File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{Relative(page)}: {target} (no such file)");
                    continue;
                }

                if (anchor is { Length: > 0 } && file.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                    && File.Exists(file) && !Anchors(file).Contains(anchor))
                {
                    broken.Add($"{Relative(page)}: {target} (no such heading in {Relative(file)})");
                }
            }
        }

        return broken;
    }

    /// <summary>Targets of inline links and images, outside fenced code blocks and inline code.</summary>
    public static IEnumerable<string> LinkTargets(string markdown)
    {
        foreach (var line in ProseLines(markdown))
        {
            var prose = InlineCode().Replace(line, "");
            foreach (Match match in InlineLink().Matches(prose))
            {
                var target = match.Groups["target"].Value.Trim();
                var space = target.IndexOf(' ');
                yield return space < 0 ? target : target[..space]; // [x](file "title")
            }
        }
    }

    /// <summary>GitHub's anchors: each heading's slug, repeated slugs numbered -1, -2, …</summary>
    public static HashSet<string> HeadingAnchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in ProseLines(markdown))
        {
            var heading = Heading().Match(line);
            if (!heading.Success)
            {
                continue;
            }

            var slug = Slug(heading.Groups["text"].Value);
            if (seen.TryGetValue(slug, out var count))
            {
                seen[slug] = count + 1;
                anchors.Add($"{slug}-{count + 1}");
            }
            else
            {
                seen[slug] = 0;
                anchors.Add(slug);
            }
        }

        return anchors;
    }

    /// <summary>GitHub's heading slug: the text without markup, lower case, punctuation removed, spaces to hyphens.</summary>
    public static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading, match => match.Groups["text"].Value);
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    private static IEnumerable<string> ProseLines(string markdown)
    {
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (!fenced)
            {
                yield return line.TrimEnd('\r');
            }
        }
    }

    [GeneratedRegex(@"!?\[(?<text>[^\]]*)\]\((?<target>[^)\s]+(?:\s+""[^""]*"")?)\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex UriScheme();
}
