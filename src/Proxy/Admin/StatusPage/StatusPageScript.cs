namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// The page's script (served as <c>/status.js</c>): every 5 s it fetches <c>/status</c> as JSON and rewrites each bound
/// element with the same path and format rules as <see cref="BoundHtml"/>; when the set of rows changed it reloads the
/// page instead. It also answers the trust form in place, and sends the destinations' drain/maint/ready buttons (asking
/// for the admin token on a 401 when one is configured, and keeping it in the tab's sessionStorage). The page is complete without it.
/// </summary>
internal static class StatusPageScript
{
    public const string Js = """
        (function(){
        "use strict";
        var body=document.body,refreshes=0,state=document.getElementById("refresh-state");
        function get(node,path){for(var i=0;i<path.length&&node!=null;i++){var s=path[i];
        if(Array.isArray(node)){node=node.find(function(x){return x&&(x.id!=null?x.id:x.key!=null?x.key:x.name)===s;});}else{node=typeof node==="object"?node[s]:undefined;}}
        return node;}
        function str(o,k){var v=o&&o[k];return v==null?"":String(v);}
        function age(s){return s<120?Math.round(s)+" s":s<7200?Math.round(s/60)+" min":s<172800?Math.round(s/3600)+" h":Math.round(s/86400)+" d";}
        function bytes(n){return n<1000?Math.round(n)+" B":n<1e6?(n/1e3).toFixed(1)+" kB":n<1e9?(n/1e6).toFixed(1)+" MB":(n/1e9).toFixed(1)+" GB";}
        function fmt(v,f){if(v==null)return "\u2013";
        if(typeof v==="number"){if(f==="i")return String(Math.round(v));if(f==="n")return v.toFixed(1);if(f==="age")return age(v);if(f==="b")return bytes(v);}
        if(f==="ts"&&typeof v==="string"&&v.length>=19)return v.substring(11,19)+" UTC";return String(v);}
        function items(o,k){return (o&&Array.isArray(o[k]))?o[k]:[];}
        function shape(s){var p=s.proxy||{},parts=items(p,"clusters").map(function(c){return str(c,"id")+":"+items(c,"destinations").map(function(d){return str(d,"id");}).join(",");});
        var n=s.trust&&s.trust.count;
        parts.push("r:"+items(p,"routes").map(function(r){return str(r,"id");}).join(","));
        parts.push("c:"+items(s.tls,"certificates").map(function(c){return str(c,"key");}).join(","));
        parts.push("o:"+items(s.ocsp,"certificates").map(function(c){return str(c,"key");}).join(","));
        parts.push("a:"+items(s.acme,"certificates").map(function(c){return str(c,"name")+"="+str(c,"state");}).join(","));
        parts.push("n:"+(n==null?"":n));parts.push("p:"+items(s.summary,"problems").join(","));return parts.join("|");}
        function apply(s){
        if(shape(s)!==body.getAttribute("data-shape")){location.reload();return;}
        document.querySelectorAll("[data-p]").forEach(function(el){el.textContent=fmt(get(s,JSON.parse(el.getAttribute("data-p"))),el.getAttribute("data-f"));});
        document.querySelectorAll("[data-l]").forEach(function(el){var v=get(s,JSON.parse(el.getAttribute("data-l")));el.setAttribute("data-level",v==null?"":String(v));});
        refreshes++;body.setAttribute("data-refreshes",String(refreshes));
        state.textContent="live: refreshed every 5 s, last at "+fmt(s.generatedAt,"ts");}
        function load(){return fetch("/status",{headers:{Accept:"application/json"},cache:"no-store"})
        .then(function(r){if(!r.ok)throw new Error("HTTP "+r.status);return r.json();}).then(apply);}
        function tick(){load().catch(function(e){state.textContent="refresh failed ("+e.message+"): showing the last values";})
        .then(function(){setTimeout(tick,5000);});}
        state.textContent="live: refreshed every 5 s";setTimeout(tick,5000);
        var form=document.getElementById("trust-form"),answer=document.getElementById("trust-answer");
        if(form){form.addEventListener("submit",function(ev){ev.preventDefault();
        fetch("/trust?ip="+encodeURIComponent(document.getElementById("trust-ip").value),{headers:{Accept:"application/json"}})
        .then(function(r){return r.json();}).then(function(a){answer.textContent=a.error?a.error:(a.trusted?"trusted":"not trusted")+(a.network?" by "+a.network+" ("+a.rule+")":"")+": "+a.reason;})
        .catch(function(e){answer.textContent="failed: "+e.message;});});}
        var said=document.getElementById("destination-answer"),tokenKey="edgeproxy-admin-token";
        function send(b,asked){var h={},t=sessionStorage.getItem(tokenKey);if(t)h.Authorization="Bearer "+t;
        var what=b.getAttribute("data-cluster")+"/"+b.getAttribute("data-name");
        return fetch("/destinations/"+encodeURIComponent(b.getAttribute("data-cluster"))+"/"+encodeURIComponent(b.getAttribute("data-name"))+"/"+b.getAttribute("data-set"),{method:"POST",headers:h,cache:"no-store"})
        .then(function(r){if(r.status===401&&!asked&&body.getAttribute("data-token")==="required"){var k=prompt("Admin token (EdgeProxy:Admin:Token) to change "+what);
        if(k){sessionStorage.setItem(tokenKey,k);return send(b,true);}said.textContent=what+": not changed (no token)";return null;}
        return r.text().then(function(x){if(r.status===401)sessionStorage.removeItem(tokenKey);
        said.textContent=r.ok?what+": "+b.getAttribute("data-set"):what+": HTTP "+r.status+" "+x;return r.ok?load():null;});});}
        document.addEventListener("click",function(ev){var b=ev.target.closest&&ev.target.closest("button[data-set]");if(!b)return;
        b.disabled=true;send(b,false).catch(function(e){said.textContent="failed: "+e.message;}).then(function(){b.disabled=false;});});
        })();
        """;
}
