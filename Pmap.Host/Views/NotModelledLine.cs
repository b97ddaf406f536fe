using Spectre.Console;

namespace Pmap.Host.Views;

/// <summary>
/// What a port says its model leaves out (<see cref="Pmap.Core.Arch.ArchModel.NotModelled"/>), in the one line every view
/// prints after its answer (dump, translate, map, layout), so that a reader never takes an absence for a fact about Xen.
/// </summary>
public static class NotModelledLine
{
    /// <summary>"not modelled on x86: Xen's own image mapping", or null when the port leaves nothing out.</summary>
    public static string? Of(string arch, IReadOnlyList<string> items) =>
        items.Count == 0 ? null : $"not modelled on {arch}: {string.Join("; ", items)}";

    /// <summary>The line, wrapped between words at the console's width.</summary>
    public static void Write(IAnsiConsole c, string arch, IReadOnlyList<string> items)
    {
        if (Of(arch, items) is { } line) Lines.Write(c, 0, 2, (line, null));
    }
}
