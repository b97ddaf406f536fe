namespace System.Runtime;

/// <summary>
/// Keeps a method out of the ReadyToRun image (the compiler, crossgen2, skips a method carrying an attribute of this name): for a
/// method that runs one long loop when called once, such as a benchmark's timed loop. Precompiled code has no on-stack
/// replacement, so the loop would run its unprofiled code to the end; left to the JIT it is replaced mid-loop by code optimised
/// with the run's profile, as in a build without ReadyToRun.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class BypassReadyToRunAttribute : Attribute;
