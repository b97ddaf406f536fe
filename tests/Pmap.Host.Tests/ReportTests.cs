using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pmap.Host.Tests;

/// <summary>A fact that needs Debian's chromium: reported as skipped, with the package to install, when it is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Binary = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Binary)) Skip = $"{Binary} not found: apt-get install chromium";
    }
}

/// <summary>`pmap report` opened in a real browser, and every picture the tool draws parsed as XML.</summary>
public partial class ReportTests
{
    private static readonly string[] Sections = ["fixmap", "tables", "pte", "timeline", "compare"];
    private static readonly string[] Archs = ["arm32", "arm64", "riscv", "x86"];

    private static string Artifacts()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static (int Code, string Out, string Err) Chromium(params string[] args)
    {
        var psi = new ProcessStartInfo(ChromiumFactAttribute.Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--headless=new", "--disable-gpu", "--no-sandbox", "--enable-logging=stderr", "--v=0", .. args])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2))) p.Kill(entireProcessTree: true);
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Part(string html, string start, string end)
    {
        var at = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{start}' not in the page");
        var stop = html.IndexOf(end, at, StringComparison.Ordinal);
        return html[at..(stop < 0 ? html.Length : stop)];
    }

    [ChromiumFact]
    public void Report_renders_in_chromium_with_every_section_slot_and_table()
    {
        var html = Path.Combine(Artifacts(), "report.html");
        Assert.Equal(0, Cli.Run("report", "-o", html).Code);
        var (code, dom, err) = Chromium("--dump-dom", new Uri(html).AbsoluteUri);
        Assert.True(code == 0, err);
        Assert.DoesNotContain("Uncaught", err, StringComparison.Ordinal);
        Assert.Contains("data-errors=\"0\"", dom, StringComparison.Ordinal);
        foreach (var s in Sections) Assert.Contains($"data-section=\"{s}\"", dom, StringComparison.Ordinal);
        foreach (var arch in Archs)
        {
            // As many slot cells as `pmap layout` lists slots, as many table boxes as `pmap dump --tables` lists table pages.
            var slots = Cli.Run("layout", "--arch", arch, "--json").Json.GetProperty("slots").GetArrayLength();
            var tables = Cli.Run("dump", "--arch", arch, "--tables", "--json").Json.GetProperty("tables").GetArrayLength();
            var fixmap = Part(Part(dom, "data-section=\"fixmap\"", "</section>"), $"<figure data-arch=\"{arch}\"", "</figure>");
            var tree = Part(Part(dom, "data-section=\"tables\"", "</section>"), $"<figure data-arch=\"{arch}\"", "</figure>");
            // Wide cells name one slot each, condensed blocks count theirs.
            var drawn = Regex.Count(fixmap, "data-slot=\"") + Regex.Matches(fixmap, "data-count=\"([0-9]+)\"").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(slots, drawn);
            Assert.Equal(tables, Regex.Count(tree, "data-table=\""));
        }
        // The side by side table highlights differences: arm64 and x86 write different PTEs.
        Assert.Contains("data-diff=\"1\"", Part(dom, "data-section=\"compare\"", "</section>"), StringComparison.Ordinal);

    }

    /// <summary>The error probe the report inlines does catch an error: the same probe in a page that throws counts one.</summary>
    [ChromiumFact]
    public void Error_probe_counts_a_script_error()
    {
        var page = File.ReadAllText(WriteReport("arm64"));
        var broken = Path.Combine(Artifacts(), "broken.html");
        File.WriteAllText(broken, page.Replace("</body>", "<script>undefinedFunction();</script></body>", StringComparison.Ordinal));
        var (_, dom, _) = Chromium("--dump-dom", new Uri(broken).AbsoluteUri);
        Assert.Contains("data-errors=\"1\"", dom, StringComparison.Ordinal);
    }

    private static string WriteReport(string archs)
    {
        var html = Path.Combine(Artifacts(), $"report-{archs.Replace(',', '-')}.html");
        var r = Cli.Run("report", "--arch", archs, "-o", html);
        Assert.True(r.Code == 0, r.Err);
        return html;
    }

    [Theory]
    [InlineData("arm64")]
    [InlineData("arm32")]
    [InlineData("x86")]
    [InlineData("riscv")]
    public void Every_svg_is_well_formed_xml(string arch)
    {
        foreach (var args in new[] { new[] { "layout" }, ["map", "--mfn", "0x12345", "--unmap"], ["dump", "--tables"], ["dump", "--after", "map"] })
        {
            var r = Cli.Run([.. args, "--arch", arch, "--format", "svg"]);
            Assert.True(r.Code == 0, r.Err);
            Assert.Equal("svg", XDocument.Parse(r.Out).Root!.Name.LocalName);
        }
        var html = File.ReadAllText(WriteReport(arch));
        var inline = SvgElement().Matches(html).Select(m => XElement.Parse(m.Value)).ToList();
        // Fixmap, page tables, PTE and timeline: one picture each for the one architecture.
        Assert.Equal(4, inline.Count);
        Assert.All(inline, s => Assert.Equal("svg", s.Name.LocalName));
    }

    /// <summary>A name that needs escaping stays text: the profile pair syntax is checked before anything is drawn.</summary>
    [Fact]
    public void Report_json_names_the_file_and_bad_input_is_a_usage_error()
    {
        var html = Path.Combine(Artifacts(), "bug.html");
        var r = Cli.Run("report", "--profile", "arm64:xen-4.17,arm64:upstream", "-o", html, "--json");
        Assert.Equal(0, r.Code);
        Assert.Equal(html, r.Json.GetProperty("output").GetString());
        Assert.Equal(2, r.Json.GetProperty("architectures").GetArrayLength());
        Assert.Equal(2, Cli.Run("report", "--profile", ":x", "-o", html).Code);
        Assert.Equal(2, Cli.Run("layout", "--arch", "arm64", "--format", "png").Code);
        Assert.Equal(2, Cli.Run("dump", "--arch", "arm64", "--format", "svg", "--json").Code);
    }

    [GeneratedRegex("<svg[^>]*>.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();
}
