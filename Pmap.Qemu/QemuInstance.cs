using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Pmap.Qemu;

/// <summary>How to start a <see cref="QemuInstance"/>.</summary>
public sealed record QemuInstanceOptions
{
    /// <summary>Replaces the target's machine and CPU arguments (e.g. a virt board without secure=on for Xen).</summary>
    public IReadOnlyList<string>? MachineArgs { get; init; }

    /// <summary>Guest RAM (<c>-m</c>), in bytes.</summary>
    public ulong MemoryBytes { get; init; } = QemuTarget.ProbeRamSize;

    /// <summary>Number of CPUs (<c>-smp</c>).</summary>
    public int Cpus { get; init; } = 1;

    /// <summary>Hold the CPUs at reset (<c>-S</c>) until the gdbstub continues them.</summary>
    public bool StartPaused { get; init; } = true;

    /// <summary>Send the first serial port to a file in the instance directory (see <see cref="QemuInstance.SerialOutput"/>).</summary>
    public bool CaptureSerial { get; init; }

    /// <summary>Arguments appended as given, e.g. <c>-kernel</c>, <c>-dtb</c>, <c>-action reboot=shutdown,shutdown=pause</c>.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>The QEMU binary to run; found on PATH when null.</summary>
    public string? BinaryPath { get; init; }

    /// <summary>How long QEMU may take to open its sockets.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// A QEMU process with its gdbstub and QMP monitor on UNIX sockets in a private directory. Nothing listens on
/// TCP. Disposing kills the process and deletes the directory.
/// </summary>
public sealed class QemuInstance : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private GdbRemoteClient? _gdb;
    private QmpClient? _qmp;
    private int _dumpCount;

    public QemuTarget Target { get; }

    /// <summary>Private directory holding the sockets and any files QEMU writes for us.</summary>
    public string Directory { get; }

    public GdbRemoteClient Gdb => _gdb ?? throw new ObjectDisposedException(nameof(QemuInstance));
    public QmpClient Qmp => _qmp ?? throw new ObjectDisposedException(nameof(QemuInstance));
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>What QEMU printed on stdout and stderr so far.</summary>
    public string ProcessOutput
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>What the guest wrote to its first serial port (with <see cref="QemuInstanceOptions.CaptureSerial"/>).</summary>
    public string SerialOutput
    {
        get
        {
            var file = Path.Combine(Directory, "serial.log");
            if (!File.Exists(file)) return "";
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    private QemuInstance(QemuTarget target, string directory, Process process)
    {
        Target = target;
        Directory = directory;
        _process = process;
    }

    /// <summary>Starts QEMU for the target and connects to its gdbstub and QMP monitor.</summary>
    public static QemuInstance Start(QemuTarget target, QemuInstanceOptions? options = null)
    {
        options ??= new QemuInstanceOptions();
        var binary = options.BinaryPath ?? QemuLocator.Require(target);
        // Short prefix: a UNIX socket path must stay under 108 bytes.
        var directory = ChildLifetime.CreateFolder("pmapq");
        Process process;
        try
        {
            process = ChildLifetime.Start(ChildLifetime.StartInfo(binary, Arguments(target, options, directory)));
        }
        catch
        {
            ChildLifetime.RemoveFolder(directory);
            throw;
        }

        var instance = new QemuInstance(target, directory, process);
        try
        {
            instance.Connect(options.StartTimeout);
            return instance;
        }
        catch (Exception e)
        {
            // A QEMU that ended is the reason, not the socket it never opened (a killed one may still be reaped: wait a little).
            var why = process.WaitForExit(TimeSpan.FromMilliseconds(200)) ? Ended(process.ExitCode) : e.Message.Split('\n')[0];
            var output = instance.ProcessOutput;
            instance.Dispose();
            var said = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            throw new QemuFailedException($"{target.Binary} did not come up: {why}" + (said is null ? "" : $" (it said: {said})"), e);
        }
    }

    /// <summary>How a child ended: .NET gives 128 + the signal's number for one a signal killed.</summary>
    private static string Ended(int exitCode) =>
        exitCode > 128 ? $"it was killed by signal {exitCode - 128}" : $"it exited with code {exitCode}";

    /// <summary>The command line (after the binary) for a target, with sockets in <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Arguments(QemuTarget target, QemuInstanceOptions options, string directory)
    {
        var args = new List<string>(options.MachineArgs ?? target.MachineArgs)
        {
            "-m", (options.MemoryBytes >> 20).ToString(CultureInfo.InvariantCulture) + "M",
            "-smp", options.Cpus.ToString(CultureInfo.InvariantCulture),
            "-nodefaults", "-display", "none",
            "-chardev", $"socket,id=gdb0,path={Path.Combine(directory, "gdb.sock")},server=on,wait=off",
            "-gdb", "chardev:gdb0",
            "-qmp", $"unix:{Path.Combine(directory, "qmp.sock")},server=on,wait=off",
        };
        if (options.StartPaused) args.Add("-S");
        if (options.CaptureSerial) args.AddRange(["-serial", $"file:{Path.Combine(directory, "serial.log")}"]);
        args.AddRange(options.ExtraArgs);
        return args;
    }

    private void Connect(TimeSpan timeout)
    {
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _qmp = QmpClient.Connect(Path.Combine(Directory, "qmp.sock"), timeout, () => _process.HasExited);
        _gdb = GdbRemoteClient.Connect(Path.Combine(Directory, "gdb.sock"), timeout, () => _process.HasExited);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Guest physical memory in bulk, through QMP <c>pmemsave</c> into the instance directory.</summary>
    public byte[] ReadPhysical(ulong address, int length)
    {
        var file = Path.Combine(Directory, $"pmem{Interlocked.Increment(ref _dumpCount)}.bin");
        Qmp.Execute("pmemsave", new JsonObject { ["val"] = address, ["size"] = length, ["filename"] = file });
        try
        {
            return File.ReadAllBytes(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A register by the name the gdbstub's target description gives it (e.g. "pc", "TTBR0_EL2", "cr3").</summary>
    public ulong ReadRegister(string name) => Gdb.ReadRegister(name);

    /// <summary>Writes a register by name; see <see cref="GdbRemoteClient.WriteRegister(int, ulong)"/> for what QEMU ignores.</summary>
    public void WriteRegister(string name, ulong value) => Gdb.WriteRegister(name, value);

    public void Dispose()
    {
        _gdb?.Dispose();
        _qmp?.Dispose();
        _gdb = null;
        _qmp = null;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        ChildLifetime.Forget(_process);
        _process.Dispose();
        ChildLifetime.RemoveFolder(Directory);
    }
}
