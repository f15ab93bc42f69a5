"""The Architecture tab's labels in English, 繁體中文 and 简体中文: its title, intro, fields, buttons and sections.

A string table only, registered with playground.i18n at import. Not here: the words of a result (the summary,
tables, charts), which playground.words.architecture builds from the numbers.
"""

from __future__ import annotations

from playground.i18n import register

register(
    {
        "architecture.title": ("Architecture", "模型架構", "模型架构"),
        "architecture.intro": (
            "Built from the model's **config alone** on PyTorch's `meta` device: no weights are downloaded, so even "
            "a 70B model is inspected in about a second. The catalog models also work offline.",
            "只用模型的**設定檔**在 PyTorch 的 `meta` 裝置上建出模型：不下載權重，所以連 70B 的模型也約一秒就能看完。"
            "目錄中的模型離線也能看。",
            "只用模型的**配置文件**在 PyTorch 的 `meta` 设备上建出模型：不下载权重，所以连 70B 的模型也约一秒就能看完。"
            "目录中的模型离线也能看。",
        ),
        "architecture.model": ("Model to inspect", "要查看的模型", "要查看的模型"),
        "architecture.model_info": (
            "Follows the model bar; a model chosen here only reads its config (no weights, the bar keeps its model).",
            "跟隨上方的模型列；在這裡選的模型只讀設定檔（不載入權重，模型列的模型不變）。",
            "跟随上方的模型栏；在这里选的模型只读配置文件（不加载权重，模型栏的模型不变）。",
        ),
        "architecture.compare_with": (
            "Compare with (optional)",
            "與另一個模型比較（可留空）",
            "与另一个模型比较（可留空）",
        ),
        "architecture.filter": (
            "Filter parameter names (space-separated terms, -term excludes)",
            "篩選參數名稱（以空格分隔，-詞 表示排除）",
            "筛选参数名称（以空格分隔，-词 表示排除）",
        ),
        "architecture.placeholder": ("layers.0. proj -bias", "layers.0. proj -bias", "layers.0. proj -bias"),  # names
        "architecture.show": ("Show the architecture", "顯示模型架構", "显示模型架构"),
        "architecture.params": (
            "named_parameters()",
            "named_parameters()（所有參數）",
            "named_parameters()（所有参数）",
        ),
        "architecture.layers": ("Parameters per layer", "每一層的參數", "每一层的参数"),
        "architecture.side_by_side": ("Side by side", "並排比較", "并排比较"),
        "architecture.treemap": ("Where the parameters live", "參數分布在哪裡", "参数分布在哪里"),
        "architecture.comparison": ("Parameters per group, side by side", "各組參數並排比較", "各组参数并排比较"),
    }
)
