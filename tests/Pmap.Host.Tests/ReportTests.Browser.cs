using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pmap.Host.Tests;

/// <summary>The report as Chromium lays it out: no label of a fixmap ruler overlaps another or leaves its picture, at 800 and 1400 px.</summary>
public partial class ReportTests
{
    // Measures, in the rendered page, every text box of every ruler: each against its picture's box and the window, and every pair.
    private const string Measure = """
        <script>window.addEventListener('load',function(){var out=[],n=0,minFont=1e9;var vw=document.documentElement.clientWidth;
        document.querySelectorAll('svg[data-ruler]').forEach(function(svg){var s=svg.getBoundingClientRect();
        var scale=s.width/svg.viewBox.baseVal.width;var name=svg.getAttribute('aria-label');
        var boxes=[].slice.call(svg.querySelectorAll('text')).map(function(t){var r=t.getBoundingClientRect();n++;
        minFont=Math.min(minFont,parseFloat(t.getAttribute('font-size'))*scale);return {t:t.textContent,r:r};});
        boxes.forEach(function(a,i){var r=a.r;
        if(r.left<s.left-0.5||r.right>s.right+0.5||r.top<s.top-0.5||r.bottom>s.bottom+0.5)out.push('clipped in '+name+': '+a.t);
        if(r.left<-0.5||r.right>vw+0.5)out.push('outside the window in '+name+': '+a.t);
        for(var j=i+1;j<boxes.length;j++){var b=boxes[j].r;
        if(r.left<b.right-0.5&&b.left<r.right-0.5&&r.top<b.bottom-0.5&&b.top<r.bottom-0.5)out.push('overlap in '+name+': '+a.t+' | '+boxes[j].t);}});});
        var pre=document.createElement('pre');pre.id='pmap-measure';
        pre.textContent=JSON.stringify({width:window.innerWidth,texts:n,minFont:minFont,problems:out});document.body.appendChild(pre);});</script>
        """;

    private static readonly string DocsFolder = typeof(ReportTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DocsFolder").Value!;

    [ChromiumTheory]
    [InlineData(800)]
    [InlineData(1400)]
    public void Ruler_labels_neither_overlap_nor_clip_on_any_architecture(int width)
    {
        // Every architecture, and the 4.17 Arm profile whose off-by-one adds the callout.
        var html = Path.Combine(Artifacts(), $"layout-{width}.html");
        var r = Cli.Run("report", "--profile", "arm64:xen-4.17,arm32:upstream,riscv:xen-4.22.0,x86:series-v5", "-o", html);
        Assert.True(r.Code == 0, r.Err);
        var probe = Path.Combine(Artifacts(), $"layout-{width}-probe.html");
        File.WriteAllText(probe, File.ReadAllText(html).Replace("</body>", Measure + "</body>", StringComparison.Ordinal));
        var (code, dom, err) = Chromium($"--window-size={width},1000", "--dump-dom", new Uri(probe).AbsoluteUri);
        Assert.True(code == 0, err);
        var m = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(MeasureOutput().Match(dom).Groups[1].Value)).RootElement;
        Assert.Equal(width, m.GetProperty("width").GetInt32());
        Assert.True(m.GetProperty("texts").GetInt32() > 40, "the rulers have hardly any labels: the probe measured nothing");
        Assert.Empty(m.GetProperty("problems").EnumerateArray().Select(p => p.GetString()));
        // Legible: no ruler text is drawn smaller than 9.5 px, so the picture is never shrunk to fit the window.
        Assert.True(m.GetProperty("minFont").GetDouble() >= 9.5, $"smallest ruler text {m.GetProperty("minFont").GetDouble():0.0} px");
    }

    /// <summary>
    /// README's screenshot, docs/report.png, carries the SHA-256 of the report it shows. When today's report differs, the test
    /// rewrites the picture (and the hash) in the source tree and fails, so a stale screenshot never passes unnoticed.
    /// </summary>
    [ChromiumFact]
    public void Readme_screenshot_shows_the_current_report()
    {
        var html = Path.Combine(Artifacts(), "readme.html");
        Assert.Equal(0, Cli.Run("report", "--profile", "arm64:xen-4.17,arm64:upstream", "-o", html).Code);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(html)));
        var committed = Path.Combine(DocsFolder, "report.png");
        var stamp = File.Exists(committed) ? PngText.Read(File.ReadAllBytes(committed), "pmap-report-sha256") : null;
        if (stamp == hash) return;

        var shot = Path.Combine(Artifacts(), "readme.png");
        File.Delete(shot);
        Chromium($"--screenshot={shot}", "--hide-scrollbars", "--window-size=1400,1700", new Uri(html).AbsoluteUri);
        Assert.True(File.Exists(shot) && new FileInfo(shot).Length > 10_000, "Chromium wrote no screenshot");
        File.WriteAllBytes(committed, PngText.Write(File.ReadAllBytes(shot), "pmap-report-sha256", hash));
        Assert.Fail($"docs/report.png showed another report (stamp {stamp ?? "none"}); rewritten from today's: commit it");
    }

    [GeneratedRegex("<pre id=\"pmap-measure\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex MeasureOutput();
}

/// <summary>A theory that needs Debian's chromium, skipped with the package to install when it is missing.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (!File.Exists(ChromiumFactAttribute.Binary)) Skip = $"{ChromiumFactAttribute.Binary} not found: apt-get install chromium";
    }
}
