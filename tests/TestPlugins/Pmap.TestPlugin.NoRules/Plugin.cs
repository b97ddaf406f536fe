using Pmap.TestArch;

namespace Pmap.TestPlugin.NoRules;

/// <summary>A port that states no maintenance rules: it loads and runs, but nothing about its ordering can be judged.</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("norules", statesRules: false));
