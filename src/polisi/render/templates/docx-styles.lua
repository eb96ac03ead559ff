-- polisi build docx: give admonitions ("!!! warning") a Word style of their
-- own, so the house reference document decides how a warning looks in Word.
-- Python-Markdown renders one as <div class="admonition warning"> whose first
-- paragraph is the title.
function Div(div)
  if not div.classes:includes("admonition") then
    return nil
  end
  local blocks = div.content
  local out = {}
  if #blocks > 0 and blocks[1].t == "Para" then
    table.insert(out, pandoc.Div({ blocks[1] }, pandoc.Attr("", {}, { ["custom-style"] = "Admonition Title" })))
    blocks = pandoc.Blocks({ table.unpack(blocks, 2) })
  end
  if #blocks > 0 then
    table.insert(out, pandoc.Div(blocks, pandoc.Attr("", {}, { ["custom-style"] = "Admonition" })))
  end
  return out
end
