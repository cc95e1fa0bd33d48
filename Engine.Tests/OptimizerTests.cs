using ConvEngine.Optim;

namespace ConvEngine.Tests;

/// <summary>
/// SGD (plain, momentum, dampening, Nesterov, weight decay) and Adam against PyTorch 1.13: three steps on a
/// fixed least-squares problem, parameters compared after every step. The problem, in Python:
/// <code>
/// X = torch.tensor([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]]); Y = torch.tensor([[0.5, 1.0], [-1.0, 2.0], [0.0, -0.5]])
/// w = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True); b = torch.tensor([0.1, -0.2], requires_grad=True)
/// opt = ...([w, b])
/// for _ in range(3):
///     opt.zero_grad(); (X.matmul(w) + b - Y).pow(2).mean().backward(); opt.step()
///     print(w.detach().flatten().tolist() + b.detach().tolist())
/// </code>
/// Tolerance 1e-6 relative (plus 1e-8 absolute for values that cancel to 0): float32 operation order and
/// fused multiply-adds in ATen move only the last bits.
/// </summary>
public sealed class OptimizerTests
{
    private static readonly Tensor X = Tensor.FromArray(new float[,] { { 1.0f, -2.0f }, { 0.5f, 3.0f }, { -1.5f, 0.25f } });
    private static readonly Tensor Y = Tensor.FromArray(new float[,] { { 0.5f, 1.0f }, { -1.0f, 2.0f }, { 0.0f, -0.5f } });

    private static void Run(Func<Tensor[], Optimizer> make, float[][] expectedAfterEachStep)
    {
        var w = Tensor.FromArray(new float[,] { { 0.5f, -1.0f }, { 2.0f, 0.25f } }).RequiresGrad_();
        var b = Tensor.FromArray([0.1f, -0.2f]).RequiresGrad_();
        var opt = make([w, b]);
        for (int step = 0; step < expectedAfterEachStep.Length; step++)
        {
            opt.ZeroGrad();
            (X.Matmul(w) + b - Y).Pow(2f).Mean().Backward();
            opt.Step();
            var got = w.ToArray().Concat(b.ToArray()).ToArray();
            var want = expectedAfterEachStep[step];
            for (int i = 0; i < want.Length; i++)
                Assert.That(got[i], Is.EqualTo(want[i]).Within(1e-6 * Math.Abs(want[i]) + 1e-8), $"step {step + 1}, element {i}");
        }
    }

    // SGD(lr=0.1): also what a user-written plain SGD must reproduce.
    private static readonly float[][] SgdPlainSteps =
    [
        [0.5f, -0.784375011920929f, 1.0062499046325684f, 0.24947917461395264f, -0.010000002570450306f, -0.10708332806825638f],
        [0.4710156321525574f, -0.593921422958374f, 0.44977855682373047f, 0.2516026496887207f, -0.06759375333786011f, -0.023436635732650757f],
        [0.42918235063552856f, -0.4256255030632019f, 0.13715845346450806f, 0.254871129989624f, -0.09624182432889938f, 0.051756925880908966f],
    ];

    [Test]
    public void SgdPlain() => Run(p => new SGD(p, lr: 0.1f), SgdPlainSteps);

    [Test]
    public void SgdMomentum() => Run(p => new SGD(p, lr: 0.1f, momentum: 0.9f),
    [
        [0.5f, -0.784375011920929f, 1.0062499046325684f, 0.24947917461395264f, -0.010000002570450306f, -0.10708332806825638f],
        [0.4710156321525574f, -0.39985892176628113f, -0.4445964992046356f, 0.25113391876220703f, -0.1665937602519989f, 0.06018837168812752f],
        [0.3770104646682739f, 0.09184717386960983f, -1.669427514076233f, 0.25827154517173767f, -0.28901055455207825f, 0.2775834798812866f],
    ]);

    [Test]
    public void SgdMomentumDampening() => Run(p => new SGD(p, lr: 0.1f, momentum: 0.9f, dampening: 0.5f),
    [
        [0.5f, -0.784375011920929f, 1.0062499046325684f, 0.24947917461395264f, -0.010000002570450306f, -0.10708332806825638f],
        [0.4855078160762787f, -0.4950857162475586f, -0.1663607805967331f, 0.250072181224823f, -0.13779687881469727f, 0.01836501993238926f],
        [0.4417174756526947f, -0.15636512637138367f, -1.2422077655792236f, 0.2531438171863556f, -0.2507916986942291f, 0.1668071150779724f],
    ]);

    [Test]
    public void SgdNesterov() => Run(p => new SGD(p, lr: 0.1f, momentum: 0.9f, nesterov: true),
    [
        [0.5f, -0.5903125405311584f, 0.11187474429607391f, 0.24901042878627777f, -0.10899998992681503f, -0.02345832623541355f],
        [0.3953664004802704f, -0.09683771431446075f, -1.0026116371154785f, 0.257144957780838f, -0.217913419008255f, 0.19488126039505005f],
        [0.2075584977865219f, 0.40615278482437134f, -1.2437406778335571f, 0.27230125665664673f, -0.21743987500667572f, 0.42456212639808655f],
    ]);

    [Test]
    public void SgdWeightDecay() => Run(p => new SGD(p, lr: 0.1f, weightDecay: 0.01f),
    [
        [0.49950000643730164f, -0.7833750247955322f, 1.0042498111724854f, 0.24922916293144226f, -0.010100007057189941f, -0.10688333213329315f],
        [0.47001612186431885f, -0.5922620296478271f, 0.4476346969604492f, 0.2512331008911133f, -0.06759031862020493f, -0.023139329627156258f],
        [0.42776691913604736f, -0.4235782325267792f, 0.1354711949825287f, 0.2544472813606262f, -0.09608180075883865f, 0.05206302925944328f],
    ]);

    [Test]
    public void SgdNesterovWeightDecay() => Run(p => new SGD(p, lr: 0.05f, momentum: 0.5f, weightDecay: 0.1f, nesterov: true),
    [
        [0.4962500035762787f, -0.8307812809944153f, 1.239687442779541f, 0.24773438274860382f, 0.016750002279877663f, -0.1288125067949295f],
        [0.47559940814971924f, -0.6494847536087036f, 0.6091676354408264f, 0.24732504785060883f, -0.04974710941314697f, -0.051562584936618805f],
        [0.44009292125701904f, -0.474006325006485f, 0.1702996790409088f, 0.2487877905368805f, -0.09288730472326279f, 0.024292265996336937f],
    ]);

    [Test]
    public void AdamDefaults() => Run(p => new Adam(p),
    [
        [0.5008038282394409f, -0.9990000128746033f, 1.9989999532699585f, 0.24899999797344208f, 0.0989999994635582f, -0.19900000095367432f],
        [0.5000597238540649f, -0.9980000257492065f, 1.9980000257492065f, 0.24820393323898315f, 0.09800003468990326f, -0.1980000138282776f],
        [0.4992520213127136f, -0.9970000982284546f, 1.9970000982284546f, 0.2479022592306137f, 0.0970001220703125f, -0.19700005650520325f],
    ]);

    [Test]
    public void AdamLargeLr() => Run(p => new Adam(p, lr: 0.1),
    [
        [0.5803837776184082f, -0.8999999761581421f, 1.899999976158142f, 0.1500001847743988f, 0.0f, -0.10000000894069672f],
        [0.5059701204299927f, -0.8002434968948364f, 1.8001679182052612f, 0.22357308864593506f, -0.09940601885318756f, -0.00022134184837341309f],
        [0.42520761489868164f, -0.7007728815078735f, 1.7006031274795532f, 0.29203134775161743f, -0.19767235219478607f, 0.09857109934091568f],
    ]);

    [Test]
    public void AdamBetasEpsWeightDecay() => Run(p => new Adam(p, lr: 0.01, betas: (0.8, 0.99), eps: 1e-6, weightDecay: 0.1),
    [
        [0.4900001883506775f, -0.9900000095367432f, 1.9900000095367432f, 0.24000033736228943f, 0.09000001102685928f, -0.1900000125169754f],
        [0.4801723062992096f, -0.9800037741661072f, 1.9800024032592773f, 0.23735028505325317f, 0.08000755310058594f, -0.18000392615795135f],
        [0.4706892669200897f, -0.9700130224227905f, 1.9700088500976562f, 0.23993980884552002f, 0.07002770900726318f, -0.170016810297966f],
    ]);

    [Test]
    public void ZeroGradClearsGradientsAndStepSkipsThem()
    {
        var w = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var opt = new SGD([w], lr: 0.5f, momentum: 0.9f);
        (w * w).Sum().Backward();
        opt.ZeroGrad();
        Assert.That(w.Grad, Is.Null);
        // As in PyTorch, a parameter without a gradient is left untouched by a step.
        opt.Step();
        Assert.That(w.ToArray(), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void StepDoesNotRecordAGraph()
    {
        var w = Tensor.FromArray([1f, 2f]).RequiresGrad_();
        var opt = new Adam([w], lr: 0.1f);
        (w * 3f).Sum().Backward();
        opt.Step();
        Assert.That(w.IsLeaf, Is.True);
        Assert.That(w.RequiresGrad, Is.True);
    }

    [Test]
    public void InvalidHyperParametersThrow() // torch.optim.SGD([x], lr=-1) and friends; texts from PyTorch 1.13
    {
        var w = Tensor.FromArray([1f]).RequiresGrad_();
        Assert.That(() => new SGD([w], lr: -1f), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("Invalid learning rate: -1"));
        Assert.That(() => new SGD([w], lr: 0.1f, nesterov: true),
            Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("Nesterov momentum requires a momentum and zero dampening"));
        Assert.That(() => new Adam([w], lr: -1f), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("Invalid learning rate: -1"));
        Assert.That(() => new SGD([], lr: 1f), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("optimizer got an empty parameter list"));
        Assert.That(() => new SGD([w * 2f], lr: 1f), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("can't optimize a non-leaf Tensor"));
    }

    /// <summary>An optimizer written outside the engine with the public API only: it needs nothing but Step().</summary>
    private sealed class UserSgd(IEnumerable<Tensor> parameters, float lr) : Optimizer(parameters)
    {
        public override void Step()
        {
            foreach (var p in Params)
                if (p.Grad is { } g) p.Data.CopyFrom(p.Data - g * lr);
        }
    }

    [Test]
    public void UserOptimizerWithOnlyStepMatchesSgdAndHasNoState()
    {
        Run(p => new UserSgd(p, lr: 0.1f), SgdPlainSteps);
        var opt = new UserSgd([Tensor.FromArray([1f]).RequiresGrad_()], lr: 0.1f);
        Assert.That(opt.StateDict(), Is.Empty);
        Assert.That(() => opt.LoadStateDict(new Dictionary<string, Tensor> { ["state.0.momentum_buffer"] = Tensor.Zeros(1) }),
            Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("Error(s) in loading state_dict for UserSgd: unexpected key \"state.0.momentum_buffer\"."));
    }
}
