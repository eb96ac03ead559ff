-- polisi build docx: give admonitions ("!!! warning") a Word style of their
-- own, so the house reference document decides how a warning looks in Word.
-- Python-Markdown renders one as <div class="admonition warning"> whose first
-- paragraph is the title.
-- A list the author numbered "a)", "1)" or "ii)" arrives inside a block of
-- class polisi-paren-list (polisi/render/docx.py): pandoc's HTML reader reads
-- no delimiter, so Word would print "a.". The list takes the bracket instead.
local function paren_list(div)
  local list = div.content[1]
  if #div.content == 1 and list.t == "OrderedList" then
    list.listAttributes.delimiter = "OneParen"
    return list
  end
  return div.content
end

function Div(div)
  if div.classes:includes("polisi-paren-list") then
    return paren_list(div)
  end
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

-- Footnotes: Python-Markdown writes each as a linked number in the text
-- (<sup><a class="footnote-ref" href="#fn:1">) and the notes as a list at the
-- end (<div class="footnote">). Word has real footnotes, so each number
-- becomes a pandoc Note holding its text, and the list at the end goes.
local function note_text(blocks)
  return blocks:walk({
    Link = function(link)
      if link.classes:includes("footnote-backref") then
        return {}
      end
    end,
    Str = function(str)
      local text = str.text:gsub("\u{A0}$", "")
      return pandoc.Str(text)
    end,
  })
end

function Pandoc(doc)
  local notes = {}
  local blocks = doc.blocks:walk({
    Div = function(div)
      if not div.classes:includes("footnote") then
        return nil
      end
      div:walk({
        Div = function(item)
          if item.identifier:match("^fn:") then
            notes[item.identifier] = note_text(item.content)
          end
        end,
      })
      return {}
    end,
  })
  blocks = blocks:walk({
    Superscript = function(sup)
      local link = sup.content[1]
      if #sup.content == 1 and link.t == "Link" and link.classes:includes("footnote-ref") then
        local note = notes[link.target:sub(2)]
        if note then
          return pandoc.Note(note)
        end
      end
    end,
  })
  return pandoc.Pandoc(blocks, doc.meta)
end
