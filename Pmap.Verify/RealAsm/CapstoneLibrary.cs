using System.Reflection;
using System.Runtime.InteropServices;
using Gee.External.Capstone;

namespace Pmap.Verify.RealAsm;

/// <summary>The native Capstone library could not be loaded: the instructions cannot be decoded, so nothing is checked.</summary>
public sealed class CapstoneMissingException(string message) : Exception(message);

/// <summary>
/// Points the Capstone binding (Gee.External.Capstone, which imports "capstone") at the distribution's library: Debian's
/// libcapstone4 installs libcapstone.so.4 and no unversioned name. A configured library (a file or a name) replaces the
/// default; one that does not load is reported, never worked around.
/// </summary>
public static class CapstoneLibrary
{
    /// <summary>What is loaded when nothing is configured: Debian's libcapstone4, then the -dev package's link.</summary>
    public static IReadOnlyList<string> Defaults { get; } = ["libcapstone.so.4", "libcapstone.so"];

    private static readonly Lock Gate = new();
    private static bool _resolverSet;
    private static string? _configured;
    private static IntPtr _handle;

    /// <summary>Loads the library (<paramref name="configured"/>, else <see cref="Defaults"/>) once per name; throws when it cannot.</summary>
    public static void Require(string? configured)
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero && _configured == configured) return;
            var names = configured is null ? Defaults : [configured];
            IntPtr handle = IntPtr.Zero;
            foreach (var name in names)
                if (NativeLibrary.TryLoad(name, out handle)) break;
            if (handle == IntPtr.Zero)
            {
                var which = configured is null ? string.Join(" or ", Defaults) : $"'{configured}' (CapstoneLibrary)";
                throw new CapstoneMissingException(
                    $"cannot load the Capstone disassembler library {which}: install Debian's libcapstone4 (apt-get install libcapstone4)");
            }
            (_handle, _configured) = (handle, configured);
            if (_resolverSet) return;
            NativeLibrary.SetDllImportResolver(typeof(CapstoneDisassembler).Assembly, Resolve);
            _resolverSet = true;
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name.Contains("capstone", StringComparison.OrdinalIgnoreCase) ? _handle : IntPtr.Zero;
}
