"""The Generation Tree tab's words and the commitment strip's: labels, choices, summaries, chart titles, the
comparison of two branches and the note on what the raw logit lens can and cannot say."""

from __future__ import annotations

from playground.core.commitment import MODES, Commitment
from playground.core.tokens import show_piece
from playground.core.tree import Comparison, Tree
from playground.i18n import register, t

register(
    {
        "tree.title": ("Generation Tree", "生成樹", "生成树"),
        "tree.intro": (
            "Every generated token is a node. Click a token of the shown branch, pick one of the alternatives the "
            "model had at that step, and a new branch continues from there (the shared prefix is not re-read).",
            "每個生成的詞元都是一個節點。點選所顯示分支中的詞元，挑一個模型在那一步的其他候選，"
            "就會從那裡長出新的分支（共同的前綴不必重新讀一次）。",
            "每个生成的词元都是一个节点。点选所显示分支中的词元，挑一个模型在那一步的其他候选，"
            "就会从那里长出新的分支（共同的前缀不必重新读一次）。",
        ),
        "tree.prompt": ("Prompt", "提示", "提示"),
        "tree.chat": (
            "Use the chat template (one user turn)",
            "使用對話模板（一則使用者訊息）",
            "使用对话模板（一条用户消息）",
        ),
        "tree.mode": ("Decoding", "解碼方式", "解码方式"),
        "tree.mode_greedy": ("greedy", "貪婪（greedy）", "贪婪（greedy）"),
        "tree.mode_sample": ("sampled", "抽樣", "抽样"),
        "tree.temperature": ("Temperature (sampled)", "溫度（抽樣時）", "温度（抽样时）"),
        "tree.seed": (
            "Seed (-1 = random; sample i gets seed + i)",
            "種子（-1 = 隨機；第 i 個樣本用種子 + i）",
            "种子（-1 = 随机；第 i 个样本用种子 + i）",
        ),
        "tree.samples": ("N samples (drawn as one tree)", "N 個樣本（畫成一棵樹）", "N 个样本（画成一棵树）"),
        "tree.max_new": ("Tokens per branch", "每個分支的詞元數", "每个分支的词元数"),
        "tree.grow": ("Grow a new tree", "長出新的樹", "长出新的树"),
        "tree.chart": ("The tree", "生成樹", "生成树"),
        "tree.branch": ("Shown branch", "顯示的分支", "显示的分支"),
        "tree.tokens": (
            "Tokens of the shown branch (click one)",
            "所顯示分支的詞元（點一個）",
            "所显示分支的词元（点一个）",
        ),
        "tree.alternatives": ("Alternatives at the clicked token", "所點詞元處的其他候選", "所点词元处的其他候选"),
        "tree.fork": ("Fork here with this token", "用這個詞元在這裡分岔", "用这个词元在这里分岔"),
        "tree.compare_a": ("Compare branch", "比較分支", "比较分支"),
        "tree.compare_b": ("with branch", "與分支", "与分支"),
        "tree.branch_name": ("branch {b}", "分支 {b}", "分支 {b}"),
        "tree.branch_choice": ("{b}: {text}", "{b}：{text}", "{b}：{text}"),
        "tree.summary": (
            "**{nodes}** tokens in **{branches}** branches (bounds: {max_nodes} tokens, {max_branches} branches).",
            "共 **{nodes}** 個詞元、**{branches}** 個分支（上限：{max_nodes} 個詞元、{max_branches} 個分支）。",
            "共 **{nodes}** 个词元、**{branches}** 个分支（上限：{max_nodes} 个词元、{max_branches} 个分支）。",
        ),
        "tree.compare": (
            "{A} and {b} share **{d}** tokens ({shared}) and part at token {d}.\n\n"
            "| | {a} | {b} |\n|---|---|---|\n| from there | {rest_a} | {rest_b} |\n"
            "| tokens | {n_a} | {n_b} |\n| total log-probability | {lp_a} | {lp_b} |",
            "{a}和{b}共有 **{d}** 個詞元（{shared}），在第 {d} 個詞元分開。\n\n"
            "| | {a} | {b} |\n|---|---|---|\n| 之後 | {rest_a} | {rest_b} |\n"
            "| 詞元數 | {n_a} | {n_b} |\n| 總對數機率 | {lp_a} | {lp_b} |",
            "{a}和{b}共有 **{d}** 个词元（{shared}），在第 {d} 个词元分开。\n\n"
            "| | {a} | {b} |\n|---|---|---|\n| 之后 | {rest_a} | {rest_b} |\n"
            "| 词元数 | {n_a} | {n_b} |\n| 总对数概率 | {lp_a} | {lp_b} |",
        ),
        "tree.x": ("token in the reply", "回覆中的第幾個詞元", "回复中的第几个词元"),
        "tree.y": ("branch", "分支", "分支"),
        "tree.prob": ("probability", "機率", "概率"),
        "tree.hover": (
            "node {id} · branch {branch}<br>p = {p}<br>top: {alts}",
            "節點 {id} · 分支 {branch}<br>p = {p}<br>候選：{alts}",
            "节点 {id} · 分支 {branch}<br>p = {p}<br>候选：{alts}",
        ),
        "tree.chart_title": (
            "Generation tree: colour = probability, thick = the shown branch",
            "生成樹：顏色 = 機率，粗線 = 顯示的分支",
            "生成树：颜色 = 概率，粗线 = 显示的分支",
        ),
        "tree.alt_choice": ("{text} · {p}", "{text} · {p}", "{text} · {p}"),
        # a path handed over from Next Token or Chat (playground/tabs/tree_handoff.py)
        "tree.open_next": ("Open as a tree", "以生成樹開啟", "以生成树打开"),
        "tree.no_reply": (
            "There is no reply yet: send a message first.",
            "還沒有回覆：請先送出一則訊息。",
            "还没有回复：请先发送一条消息。",
        ),
        "tree.opened_next_token": (
            "Opened from Next Token: the **{n}** appended tokens are branch 0. Click one to fork.",
            "從「下一個詞元」開啟：附加的 **{n}** 個詞元是分支 0。點一個來分岔。",
            "从“下一个词元”打开：附加的 **{n}** 个词元是分支 0。点一个来分岔。",
        ),
        "tree.opened_next_token_empty": (
            "Opened from Next Token: no token was appended yet, so branch 0 is grown from the prompt.",
            "從「下一個詞元」開啟：還沒有附加詞元，所以分支 0 是從提示長出來的。",
            "从“下一个词元”打开：还没有附加词元，所以分支 0 是从提示长出来的。",
        ),
        "tree.opened_chat": (
            "Opened from Chat: the last reply (**{n}** tokens) is branch 0, after the prompt the Chat tab built "
            "(its template, system prompt and history). Click a token to fork.",
            "從「對話」開啟：最後一則回覆（**{n}** 個詞元）是分支 0，接在「對話」分頁組出的提示"
            "（模板、系統提示與歷史）之後。點一個詞元來分岔。",
            "从“对话”打开：最后一条回复（**{n}** 个词元）是分支 0，接在“对话”标签页组出的提示"
            "（模板、系统提示与历史）之后。点一个词元来分岔。",
        ),
        # the commitment strip
        "commit.title": ("Commitment strip", "定案條", "定案条"),
        "commit.text": ("Text", "文字", "文本"),
        "commit.reply": (
            "Reply (optional: the text becomes one user turn, and the strip shows the reply)",
            "回覆（可留空：填了就把文字當成使用者訊息，定案條只顯示回覆）",
            "回复（可留空：填了就把文本当成用户消息，定案条只显示回复）",
        ),
        "commit.mode": ("Decided when the predicted token…", "預測詞元何時算定案…", "预测词元何时算定案…"),
        "commit.mode_top1": ("stays top-1", "一直是第 1 名", "一直是第 1 名"),
        "commit.mode_top3": ("stays in the top 3", "一直在前 3 名", "一直在前 3 名"),
        "commit.mode_p50": ("keeps p > 0.5", "機率一直 > 0.5", "概率一直 > 0.5"),
        "commit.run": ("Show the strip", "顯示定案條", "显示定案条"),
        "commit.strip": (
            "Each token the model predicts, coloured by the layer that decided it",
            "模型預測的每個詞元，依決定它的層上色",
            "模型预测的每个词元，按决定它的层上色",
        ),
        "commit.heatmap": (
            "Rank of the predicted token, layer by layer",
            "預測詞元在各層的排名",
            "预测词元在各层的排名",
        ),
        "commit.heat_title": (
            "Rank of each predicted token at every layer (log scale; hover: entropy)",
            "每個預測詞元在每一層的排名（對數刻度；游標：熵）",
            "每个预测词元在每一层的排名（对数刻度；悬停：熵）",
        ),
        "commit.layer": ("layer", "層", "层"),
        "commit.position": ("position → predicted token", "位置 → 預測的詞元", "位置 → 预测的词元"),
        "commit.hover": (
            "after {token} → {pred}<br>layer {layer}: rank {rank}, p = {p}<br>entropy {h} bits",
            "在 {token} 之後 → {pred}<br>第 {layer} 層：排名 {rank}，p = {p}<br>熵 {h} 位元",
            "在 {token} 之后 → {pred}<br>第 {layer} 层：排名 {rank}，p = {p}<br>熵 {h} 比特",
        ),
        "commit.chip": (
            "after {token}: {pred} · decided at layer {layer} of {n}\nentropy by layer (bits): {ent}",
            "在 {token} 之後：{pred} · 在第 {layer} 層（共 {n} 層）定案\n各層的熵（位元）：{ent}",
            "在 {token} 之后：{pred} · 在第 {layer} 层（共 {n} 层）定案\n各层的熵（比特）：{ent}",
        ),
        "commit.never": ("never", "從未", "从未"),
        "commit.legend": (
            "layer 0 (decided early) → layer {n} (decided at the last layer); grey: never (p > 0.5 mode)",
            "第 0 層（很早就定案）→ 第 {n} 層（最後一層才定案）；灰色：從未（p > 0.5 模式）",
            "第 0 层（很早就定案）→ 第 {n} 层（最后一层才定案）；灰色：从未（p > 0.5 模式）",
        ),
        "commit.summary": (
            "**{p}** positions, **{n}** layers: median commitment layer {median}; "
            "{late} of them only at the last layer.",
            "**{p}** 個位置、**{n}** 層：定案層的中位數為 {median}；其中 {late} 個到最後一層才定案。",
            "**{p}** 个位置、**{n}** 层：定案层的中位数为 {median}；其中 {late} 个到最后一层才定案。",
        ),
        "commit.note": (
            "ℹ️ **Read early layers with care.** This is the raw logit lens: each layer's state goes through the "
            "final norm and the LM head, which were trained for the last layer only. Early layers keep information "
            "in directions the head does not read, so they look undecided even when a trained probe per layer "
            "(the tuned lens, Belrose et al. 2023) would already find the answer there. A commitment layer here is "
            "the layer from which the *raw* lens sees it; no tuned lens is available for these models.",
            "ℹ️ **早期的層要小心解讀**。這是原始的 logit 透鏡：每一層的狀態都經過最後的正規化和 LM 頭，"
            "而它們只為最後一層訓練過。早期的層把資訊放在 LM 頭讀不到的方向，所以看起來還沒決定，"
            "其實每層各訓練一個探針（tuned lens，Belrose 等人 2023）可能已經讀得出答案。這裡的定案層是"
            "「原始」透鏡開始看得到它的那一層；這些模型沒有可用的 tuned lens。",
            "ℹ️ **早期的层要小心解读**。这是原始的 logit 透镜：每一层的状态都经过最后的归一化和 LM 头，"
            "而它们只为最后一层训练过。早期的层把信息放在 LM 头读不到的方向，所以看起来还没决定，"
            "其实每层各训练一个探针（tuned lens，Belrose 等人 2023）可能已经读得出答案。这里的定案层是"
            "“原始”透镜开始看得到它的那一层；这些模型没有可用的 tuned lens。",
        ),
    }
)


def mode_choices(lang: str = "en") -> list[tuple[str, str]]:
    return [(t("tree.mode_greedy", lang), "greedy"), (t("tree.mode_sample", lang), "sample")]


def strip_mode_choices(lang: str = "en") -> list[tuple[str, str]]:
    return [(t(f"commit.mode_{m}", lang), m) for m in MODES]


def opened(source: str, n: int, lang: str = "en") -> str:
    """Where a handed-over tree came from ("next_token" or "chat") and how many tokens its path has."""
    key = "tree.opened_chat" if source == "chat" else "tree.opened_next_token" if n else "tree.opened_next_token_empty"
    return t(key, lang, n=n)


def summary(tree: Tree, max_nodes: int, max_branches: int, lang: str = "en") -> str:
    return t(
        "tree.summary",
        lang,
        nodes=len(tree.nodes),
        branches=len(tree.branches),
        max_nodes=max_nodes,
        max_branches=max_branches,
    )


def branch_choices(tree: Tree, lang: str = "en") -> list[tuple[str, int]]:
    """('2: ␣Paris.↵…', 2) per branch, its text cut to 40 characters."""
    out = []
    for b in tree.branches:
        text = show_piece(tree.text(b))
        text = text if len(text) <= 40 else text[:39] + "…"
        out.append((t("tree.branch_choice", lang, b=t("tree.branch_name", lang, b=b.id), text=text), b.id))
    return out


def alternative_choices(tree: Tree, node_id: int, lang: str = "en") -> list[tuple[str, int]]:
    node = tree.nodes[node_id]
    return [
        (t("tree.alt_choice", lang, text=repr(show_piece(s)), p=f"{p:.1%}"), i)
        for i, s, p in node.alternatives
        if i != node.token_id
    ]


def comparison(c: Comparison, lang: str = "en") -> str:
    cell = lambda s: show_piece(s).replace("|", "\\|") or "—"  # noqa: E731
    return t(
        "tree.compare",
        lang,
        A=t("tree.branch_name", lang, b=c.a).capitalize(),
        a=t("tree.branch_name", lang, b=c.a),
        b=t("tree.branch_name", lang, b=c.b),
        d=c.divergence,
        shared=f"`{cell(c.shared)}`",
        rest_a=cell(c.rest_a),
        rest_b=cell(c.rest_b),
        n_a=c.tokens_a,
        n_b=c.tokens_b,
        lp_a=f"{c.logprob_a:.3f}",
        lp_b=f"{c.logprob_b:.3f}",
    )


def commitment_summary(c: Commitment, mode: str, lang: str = "en") -> str:
    layers = c.layers(mode)
    decided = sorted(x if x is not None else c.n_layers + 1 for x in layers)
    median = decided[len(decided) // 2] if decided else 0
    return t(
        "commit.summary",
        lang,
        p=len(layers),
        n=c.n_layers,
        median=median if median <= c.n_layers else t("commit.never", lang),
        late=sum(1 for x in layers if x == c.n_layers),
    )
