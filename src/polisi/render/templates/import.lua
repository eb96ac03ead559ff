-- polisi import: keep a converted Word document to Markdown that renders the
-- same in Python-Markdown (the site, the PDFs and Word export) as in GitHub.

-- Word gives every picture a size; a sized image can only be written as raw
-- HTML, so the size is dropped and the picture keeps its natural width.
function Image(image)
  image.attr = pandoc.Attr()
  return image
end

-- A captioned picture becomes a paragraph holding the image; the caption
-- survives as its alt text (Word copies the caption there when there is none).
function Figure(figure)
  local blocks = {}
  for _, block in ipairs(figure.content) do
    if block.t == "Plain" then
      table.insert(blocks, pandoc.Para(block.content))
    else
      table.insert(blocks, block)
    end
  end
  return blocks
end

-- Word bookmarks, styles and character formats that Markdown cannot carry
-- are unwrapped so no stray <span> or <div> is left in the text.
function Span(span)
  if span.identifier ~= "" then
    return nil -- a bookmark: Para below keeps it as an anchor, other blocks unwrap it
  end
  return span.content
end

local function unwrap_spans(block)
  return block:walk({ Span = function(span) return span.content end })
end

Plain = unwrap_spans
Header = unwrap_spans

-- A bookmark on an ordinary paragraph (Word: Insert > Bookmark) is what links to
-- "#Definitions" point at. Python-Markdown gives a paragraph an id from an
-- attribute list on its last line, so the bookmark becomes "{: #Definitions }".
-- Word's hidden bookmarks (_Toc..., _Ref...) and names Python-Markdown cannot
-- carry are dropped.
function Para(para)
  local ids = {}
  local content = para.content:walk({
    Span = function(span)
      if span.identifier ~= "" and span.identifier:match("^[%w][%w_-]*$") then
        table.insert(ids, "#" .. span.identifier)
      end
      return span.content
    end,
  })
  if #ids == 0 then
    return nil
  end
  content:insert(pandoc.RawInline("markdown", "\n{: " .. table.concat(ids, " ") .. " }"))
  return pandoc.Para(content)
end

-- Lettered and roman lists: GitHub Markdown writes only numbers, so a comment
-- before the list keeps its style, and tidy.py writes the letters back.
local LIST_STYLES = { LowerAlpha = "a", UpperAlpha = "A", LowerRoman = "i", UpperRoman = "I" }

function OrderedList(list)
  local style = LIST_STYLES[list.style]
  if style == nil then
    return nil
  end
  local delimiter = (list.delimiter == "OneParen" or list.delimiter == "TwoParens") and ")" or "."
  return { pandoc.RawBlock("html", "<!-- polisi: list " .. style .. delimiter .. " -->"), list }
end

function Div(div)
  return div.content
end

function Underline(underline)
  return underline.content
end

function SmallCaps(caps)
  return caps.content
end

-- Python-Markdown has neither GitHub's "~~" nor a backslash line break.
function Strikeout(strike)
  local out = { pandoc.RawInline("html", "<del>") }
  for _, inline in ipairs(strike.content) do
    table.insert(out, inline)
  end
  table.insert(out, pandoc.RawInline("html", "</del>"))
  return out
end

function LineBreak()
  return pandoc.RawInline("html", "<br>")
end

-- Links to Word's hidden bookmarks (_Toc..., _Ref...) have no target in the
-- Markdown; keep their text.
function Link(link)
  if link.target:match("^#_") then
    return link.content
  end
  return link
end

-- Column widths from Word are layout for one page size; kept, they squeeze a
-- narrow column until its words break in the middle ("Consequ-ence") on the
-- printed page. Without them every output sizes columns to their contents.
function Table(tbl)
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], pandoc.ColWidthDefault }
  end
  return tbl
end
