"""The Chat tab's words for its last reply seen as a tree and as a commitment strip (the strip's own labels, modes
and note are the commitment section's, in playground.words.tree)."""

from __future__ import annotations

from playground.i18n import register

register(
    {
        "chat.tree": ("Open the reply as a tree", "以生成樹開啟回覆", "以生成树打开回复"),
        "chat.strip": ("Where was each token decided?", "每個詞元在哪一層定案？", "每个词元在哪一层定案？"),
        "chat.strip_run": ("Show the strip of the last reply", "顯示最後一則回覆的定案條", "显示最后一条回复的定案条"),
        "chat.settings_changed": (
            "The chat's settings (system prompt, template) changed since this reply: this view reads it after the "
            "prompt the current settings build.",
            "這則回覆之後，對話的設定（系統提示、模板）改過了：這裡用目前設定建出的提示來讀它。",
            "这条回复之后，对话的设置（系统提示、模板）改过了：这里用当前设置建出的提示来读它。",
        ),
        "chat.strip_none": (
            "There is no reply yet: send a message, then show its strip.",
            "還沒有回覆：先送出一則訊息，再顯示它的定案條。",
            "还没有回复：先发送一条消息，再显示它的定案条。",
        ),
    }
)
