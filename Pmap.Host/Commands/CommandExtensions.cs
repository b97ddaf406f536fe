using System.CommandLine;

namespace Pmap.Host.Commands;

public static class CommandExtensions
{
    /// <summary>--xen-syms FILE: the image (sections, static tables) of a real build, from its xen-syms (ELF) or nm / System.map of it.</summary>
    public static Option<string?> XenSymsOption() => new("--xen-syms")
    {
        Description = "the xen-syms ELF to model, or its nm or System.map listing: its sections and static page tables (Arm; "
            + "default: configuration key Architectures:ARCH:SymbolsFile, else the port's built-in build)",
    };

    /// <summary>Adds the command's own options.</summary>
    public static Command WithOptions(this Command command, params Option[] options)
    {
        foreach (var o in options) command.Options.Add(o);
        return command;
    }

    /// <summary>Adds the "Example:" lines every command's help shows.</summary>
    public static Command WithExamples(this Command command, params string[] examples)
    {
        command.Description += "\n\nExamples:\n" + string.Join("\n", examples.Select(e => "  " + e));
        return command;
    }
}
