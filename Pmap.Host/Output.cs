using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pmap.Core;

namespace Pmap.Host;

/// <summary>Exit codes of docs/CLI.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int XenCrash = 1;
    public const int Usage = 2;
    public const int PluginOrConfig = 3;
    /// <summary>A checker found what it looks for: ordering hazards (hazards), the model disagreeing with QEMU or a real Xen (verify), a fuzz finding.</summary>
    public const int Findings = 4;
    /// <summary>SIGINT (Ctrl-C): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;
    /// <summary>SIGHUP (the terminal went away): 128 + 1.</summary>
    public const int HungUp = 129;
    /// <summary>SIGTERM (kill, timeout, a CI runner): 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>The exit code of an error of <paramref name="kind"/>.</summary>
    public static int Of(ErrorKind kind) => kind switch
    {
        ErrorKind.Assert or ErrorKind.Bug or ErrorKind.Panic => XenCrash,
        ErrorKind.Usage => Usage,
        ErrorKind.Conformance => Findings,
        _ => PluginOrConfig,
    };
}

/// <summary>The JSON "error" object of docs/CLI.md.</summary>
public sealed record ErrorDto([property: JsonConverter(typeof(ErrorKindJson))] ErrorKind Kind, string Message, string? Where = null)
{
    /// <summary>Xen's console lines for a Xen crash ("(XEN) ..."), when Xen's text is known; left out otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Console { get; init; }

    public static ErrorDto Of(XenCrashException e)
    {
        var lines = XenConsole.Lines(e);
        return new(ErrorKinds.Of(e.Kind), e.XenText, e.Where) { Console = lines.Count > 0 ? lines : null };
    }
}

/// <summary>The document of a command that failed before it had a result: the error object alone.</summary>
public sealed record ErrorDocument(ErrorDto Error);

/// <summary>An <see cref="ErrorKind"/> as the error object's <c>kind</c> string.</summary>
public sealed class ErrorKindJson : JsonConverter<ErrorKind>
{
    public override ErrorKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.GetString();
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            if (kind.JsonName() == name) return kind;
        }
        throw new JsonException($"'{name}' is not an error kind");
    }

    public override void Write(Utf8JsonWriter writer, ErrorKind value, JsonSerializerOptions options) => writer.WriteStringValue(value.JsonName());
}

/// <summary>One place that writes machine output: the same result records human output is rendered from.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Named, since reflection is not the default in this process (Pmap.Host.csproj says why).
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static void Write(TextWriter output, object document) =>
        output.WriteLine(JsonSerializer.Serialize(document, document.GetType(), Options));

    private static readonly JsonSerializerOptions OneLine = new(Options) { WriteIndented = false };

    /// <summary>One JSON document on one line (bench output, like bench/cbench's).</summary>
    public static void WriteLine(TextWriter output, object document) =>
        output.WriteLine(JsonSerializer.Serialize(document, document.GetType(), OneLine));

    public static string H(ulong v) => Hex.Format(v);
}
