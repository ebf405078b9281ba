using Google.OrTools.Sat;

namespace Discovery.Placement.Constraints;

/// <summary>What an encoding sees of the CP-SAT model under construction.</summary>
internal interface ICpSatModel
{
    /// <summary>The problem being encoded.</summary>
    ProblemIndex Index { get; }

    /// <summary>The model the constraint adds to.</summary>
    CpModel Model { get; }

    /// <summary>"VM v ends on node n": a variable, the constant true (a fixed VM on its host), or null (impossible).</summary>
    ILiteral? On(int v, int n);

    /// <summary>Nodes VM v may end on in this model (its host alone when it cannot move).</summary>
    IEnumerable<int> PossibleNodes(int v);
}
