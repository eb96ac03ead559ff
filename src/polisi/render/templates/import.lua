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
  return span.content
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
